package dev.jplay.engine.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock held by one process, kept in a file that says who holds it (pid, host, process start
 * time, since when, for which run). The file is locked with an OS record lock, which the kernel drops when
 * its process dies however it dies, so a crash never leaves the lock held; the file's content then still names
 * the dead holder, and the next process reports that it takes the stale lock over. The file is never deleted
 * (deleting a locked file lets two processes lock two different files); a released lock is an empty file.
 */
public final class ProcessLock implements AutoCloseable {
    /** Who holds a lock: which process, since when, what it does ({@code owner}), for which run, as which user. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Holder(@JsonProperty("process") ProcessIdentity process, @JsonProperty("since") String since,
                         @JsonProperty("owner") String owner, @JsonProperty("run_id") String runId,
                         @JsonProperty("user") String user) {
        public Holder(ProcessIdentity process, String since, String owner, String runId) {
            this(process, since, owner, runId, System.getProperty("user.name"));
        }

        @Override
        public String toString() {
            return owner + (runId == null ? "" : " run " + runId) + " (" + (user == null ? "" : user + ", ") + process
                    + ", since " + since + ")";
        }
    }

    /** Bytes of a lock file read at most: its holder is one short JSON line. */
    static final int MAX_HOLDER_BYTES = 64 * 1024;

    /** Paths locked by this JVM: OS locks are per process, so threads must be kept apart here. */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Holder staleHolder;

    private ProcessLock(Path file, FileChannel channel, FileLock lock, Holder staleHolder) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.staleHolder = staleHolder;
    }

    /** Locks {@code file} now, or returns empty when another process or thread holds it. */
    public static Optional<ProcessLock> tryAcquire(Path file, Holder me) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        if (!HELD_HERE.add(key)) return Optional.empty();
        FileChannel ch = null;
        try {
            Files.createDirectories(key.getParent());
            ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                HELD_HERE.remove(key);
                return Optional.empty();
            }
            Holder previous = readHolder(ch).orElse(null);
            byte[] bytes = (RunHistory.json().writeValueAsString(me) + "\n").getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(bytes), 0);
            ch.force(true);
            return Optional.of(new ProcessLock(key, ch, lock, previous));
        } catch (IOException | RuntimeException e) {
            if (ch != null) ch.close();
            HELD_HERE.remove(key);
            throw new IOException("cannot lock " + key + ": " + e.getMessage(), e);
        }
    }

    /** Who holds {@code file} according to its content (empty when free or released cleanly). */
    public static Optional<Holder> holder(Path file) throws IOException {
        if (!Files.exists(file)) return Optional.empty();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHolder(ch);
        }
    }

    private static Optional<Holder> readHolder(FileChannel ch) throws IOException {
        if (ch.size() == 0) return Optional.empty();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), MAX_HOLDER_BYTES));
        ch.read(buf, 0);
        return parseHolder(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    }

    /**
     * The holder a lock file names. Its content comes from whoever could write the file, so it is parsed without
     * trust: anything that is not a holder object (garbage, {@code null}, an array, wrong types) becomes a holder
     * whose owner says the content is unreadable, and every text is cut short with control characters replaced,
     * so an error message built from it neither fails nor prints terminal escapes.
     */
    static Optional<Holder> parseHolder(String content) {
        String text = content.strip();
        if (text.isEmpty()) return Optional.empty();
        Holder h = null;
        try {
            h = RunHistory.json().readValue(text, Holder.class);
        } catch (IOException | RuntimeException e) {
            // not a holder: reported as unreadable below
        }
        if (h == null) return Optional.of(new Holder(null, null, "unreadable lock content: " + printable(text), null, null));
        ProcessIdentity p = h.process() == null ? null
                : new ProcessIdentity(h.process().pid(), printable(h.process().host()), printable(h.process().processStarted()));
        return Optional.of(new Holder(p, printable(h.since()), printable(h.owner()), printable(h.runId()), printable(h.user())));
    }

    /** At most 80 characters of {@code s}, control characters as '?' (null stays null). */
    private static String printable(String s) {
        if (s == null) return null;
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    /** The holder that died while holding this lock, if this acquisition took a stale lock over. */
    public Optional<Holder> takenOverFrom() {
        return Optional.ofNullable(staleHolder);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            channel.force(true);
            lock.release();
        } finally {
            channel.close();
            HELD_HERE.remove(file);
        }
    }
}
