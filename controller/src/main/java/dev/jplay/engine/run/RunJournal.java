package dev.jplay.engine.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jplay.reports.ReportFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code journal.json} in a run directory: the batches of every play and how far each got, rewritten
 * atomically when a batch starts and ends. It outlives a crash or Ctrl-C, so {@code jplay apply --resume RUN}
 * can continue with the same batches, skipping those that completed.
 */
public final class RunJournal {
    public static final String FILE = "journal.json";
    public static final int VERSION = 1;

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String INTERRUPTED = "interrupted";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The journal's document. */
    public record Doc(@JsonProperty("version") int version,
                      @JsonProperty("run_id") String runId,
                      @JsonProperty("playbook") String playbook,
                      @JsonProperty("resumed_from") String resumedFrom,
                      @JsonProperty("plays") List<PlayEntry> plays) {}

    public record PlayEntry(@JsonProperty("index") int index,
                            @JsonProperty("name") String name,
                            @JsonProperty("batches") List<BatchEntry> batches) {}

    public record BatchEntry(@JsonProperty("hosts") List<String> hosts,
                             @JsonProperty("status") String status) {}

    private final Path file;
    private final String runId;
    private final String playbook;
    private final Doc previous;
    private final List<PlayEntry> plays = new ArrayList<>();

    private RunJournal(Path file, String runId, String playbook, Doc previous) {
        this.file = file;
        this.runId = runId;
        this.playbook = playbook;
        this.previous = previous;
    }

    /** A journal written to {@code runDir}; {@code resumeFrom} (nullable) is the journal of the run being resumed. */
    public static RunJournal create(Path runDir, String runId, String playbook, Doc resumeFrom) {
        return new RunJournal(runDir == null ? null : runDir.resolve(FILE), runId, playbook, resumeFrom);
    }

    /** The journal of an earlier run: {@code run} is a run directory, a journal file, or a run id under {@code runsDir}. */
    public static Doc read(String run, Path runsDir) throws IOException {
        Path given = Path.of(run);
        List<Path> candidates = List.of(given, given.resolve(FILE), runsDir.resolve(run).resolve(FILE));
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && p.getFileName().toString().equals(FILE)) {
                Doc doc = JSON.readValue(p.toFile(), Doc.class);
                if (doc.version() != VERSION) throw new IOException(p + ": journal version " + doc.version() + ", expected " + VERSION);
                return doc;
            }
        }
        throw new IOException("no run '" + run + "' with a " + FILE + " (looked at " + given + " and " + runsDir.resolve(run) + ")");
    }

    /**
     * The batches of play {@code index}: when resuming, the earlier run's batches (hosts still in the play, in
     * the same grouping) with their status; otherwise {@code computed}, all pending.
     */
    synchronized List<BatchEntry> batches(int index, String name, List<List<String>> computed) {
        List<BatchEntry> batches = new ArrayList<>();
        Optional<PlayEntry> before = previous == null ? Optional.empty()
                : previous.plays().stream().filter(p -> p.index() == index).findFirst();
        if (before.isPresent()) {
            List<String> inPlay = computed.stream().flatMap(List::stream).toList();
            for (BatchEntry b : before.get().batches()) {
                List<String> hosts = b.hosts().stream().filter(inPlay::contains).toList();
                if (!hosts.isEmpty()) batches.add(new BatchEntry(hosts, DONE.equals(b.status()) ? DONE : PENDING));
            }
            List<String> known = batches.stream().flatMap(b -> b.hosts().stream()).toList();
            List<String> added = inPlay.stream().filter(h -> !known.contains(h)).toList();
            if (!added.isEmpty()) batches.add(new BatchEntry(added, PENDING));
        } else {
            for (List<String> b : computed) batches.add(new BatchEntry(List.copyOf(b), PENDING));
        }
        plays.removeIf(p -> p.index() == index);
        plays.add(new PlayEntry(index, name, batches));
        save();
        return List.copyOf(batches);
    }

    synchronized void mark(int playIndex, int batchIndex, String status) {
        for (int i = 0; i < plays.size(); i++) {
            PlayEntry p = plays.get(i);
            if (p.index() != playIndex) continue;
            List<BatchEntry> bs = new ArrayList<>(p.batches());
            bs.set(batchIndex, new BatchEntry(bs.get(batchIndex).hosts(), status));
            plays.set(i, new PlayEntry(p.index(), p.name(), bs));
        }
        save();
    }

    private void save() {
        if (file == null) return;
        try {
            Doc doc = new Doc(VERSION, runId, playbook, previous == null ? null : previous.runId(), List.copyOf(plays));
            ReportFiles.writeAtomically(file, JSON.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run journal " + file, e);
        }
    }
}
