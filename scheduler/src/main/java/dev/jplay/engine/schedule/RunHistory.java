package dev.jplay.engine.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable record of every run: an append-only JSON-lines file, one {@link RunRecord} per line, each line
 * synced to disk before {@link #append} returns. A process killed in the middle of a write leaves at most a
 * torn last line: the reader skips it and the next writer starts on a fresh line. Writers in several processes
 * (the scheduler, {@code jplay apply}) take a file lock around each append.
 */
public final class RunHistory {
    public static final String FILE_NAME = "history.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** File locks belong to the JVM, not the thread: threads of one JVM take turns here first. */
    private static final Object IN_PROCESS = new Object();

    private final Path file;

    public RunHistory(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** What a read found: the lines that parsed, and how many did not. */
    public record Contents(List<RunRecord> lines, int unreadableLines, boolean tornTail) {}

    public void append(RunRecord record) throws IOException {
        byte[] line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean created = !Files.exists(file);
        synchronized (IN_PROCESS) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                long end = ch.size();
                ByteBuffer out;
                if (end > 0 && !endsWithNewline(ch, end)) {
                    // A writer died mid-line: close that line so this record stands on its own.
                    out = ByteBuffer.allocate(line.length + 1).put((byte) '\n').put(line).flip();
                } else {
                    out = ByteBuffer.wrap(line);
                }
                while (out.hasRemaining()) end += ch.write(out, end);
                ch.force(false);
            }
        }
        if (created) AtomicFiles.fsyncDirectory(dir);
    }

    private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        return last.get(0) == '\n';
    }

    /** Every line, in file order. Unparseable lines are counted and skipped, never fatal. */
    public Contents read() throws IOException {
        if (!Files.exists(file)) return new Contents(List.of(), 0, false);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        List<RunRecord> records = new ArrayList<>();
        int bad = 0;
        boolean torn = false;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty()) continue;
            try {
                records.add(JSON.readValue(l, RunRecord.class));
            } catch (JsonProcessingException e) {
                if (i == lines.length - 1) torn = true; // no newline after it: a write cut short
                else bad++;
            }
        }
        return new Contents(records, bad, torn);
    }

    /** The latest state of each run, ordered by start time. */
    public List<RunRecord> runs() throws IOException {
        Map<String, RunRecord> latest = new LinkedHashMap<>();
        for (RunRecord r : read().lines()) latest.put(r.runId(), r);
        List<RunRecord> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing(r -> r.started() == null ? Instant.MIN : Instant.parse(r.started())));
        return out;
    }

    static ObjectMapper json() {
        return JSON;
    }
}
