package dev.jplay.runtime.launch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a container's json-file log and its rotated files ({@link LogWriterScript} writes them) as one stream of
 * records, oldest first, from a {@link Cursor}: the file's inode and a byte position in it. An inode survives the
 * renames of a rotation, so a reader that was in {@code x-json.log} finds its place again in {@code x-json.log.1}
 * and goes on into the new file; a cursor whose file is gone (rotated out, or the container was recreated) goes on
 * from the oldest file there is, flagged {@link Chunk#skipped}. Only whole lines are returned; a line being written
 * is left for the next read.
 */
public final class JsonLogFiles {
    /**
     * Where a reader is: the position after the last line it got, in the file with this inode whose first bytes (up
     * to {@value #HEAD_BYTES}, at most {@code offset}) have this CRC-32: a deleted file's inode may be reused by the
     * next container's log.
     */
    public record Cursor(long inode, long offset, long head) {}

    static final int HEAD_BYTES = 256;

    /**
     * @param lines json-file records, each one line without its newline
     * @param more true when the read stopped at its byte budget with more to read
     * @param skipped true when the cursor's file was gone and reading went on from the oldest file
     */
    public record Chunk(List<String> lines, Cursor cursor, boolean more, boolean skipped) {}

    private record LogFile(Path path, long inode, long size) {}

    private final Path log;

    public JsonLogFiles(Path log) {
        this.log = log;
    }

    /** The container's log: {@code <state>/containers/<name>/<name>-json.log}. */
    public static JsonLogFiles of(Path containerDir) {
        return new JsonLogFiles(new ContainerFiles(containerDir).jsonLog());
    }

    public Path path() { return log; }

    /**
     * Whole lines after {@code from} (null: from the oldest line kept), at most about {@code maxBytes} of them
     * (at least one line, however long).
     */
    public Chunk read(Cursor from, long maxBytes) throws IOException {
        return retrying(() -> {
            List<LogFile> files = files();
            if (files.isEmpty()) return new Chunk(List.of(), from, false, false);
            int index = 0;
            long offset = 0;
            boolean skipped = false;
            if (from != null) {
                index = indexOf(files, from);
                if (index >= 0) {
                    offset = from.offset() <= files.get(index).size ? from.offset() : 0; // truncated (max-file 1)
                } else {
                    index = 0;
                    skipped = true;
                }
            }
            return readFrom(files, index, offset, maxBytes, skipped);
        });
    }

    private interface Read<T> {
        T run() throws IOException;
    }

    /** Runs {@code read} again when a rotation renamed a file between listing and opening it. */
    private <T> T retrying(Read<T> read) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return read.run();
            } catch (NoSuchFileException | ConcurrentModificationException rotated) {
                if (attempt >= 10) throw new IOException("the log " + log + " kept rotating while it was read");
            }
        }
    }

    /** A cursor from which the last {@code lines} lines follow (null when there is no log). */
    public Cursor tail(int lines) throws IOException {
        return retrying(() -> tailOnce(lines));
    }

    private Cursor tailOnce(int lines) throws IOException {
        List<LogFile> files = files();
        if (files.isEmpty()) return null;
        int wanted = lines;
        for (int i = files.size() - 1; i >= 0; i--) {
            LogFile f = files.get(i);
            long start = startOfLastLines(f, wanted);
            if (start >= 0) return cursor(f, start);
            wanted -= countLines(f);
        }
        return cursor(files.get(0), 0);
    }

    /** The cursor at the start of the first file that has a line at or after {@code since} (null: no log). */
    public Cursor since(Instant since) throws IOException {
        return retrying(() -> sinceOnce(since));
    }

    private Cursor sinceOnce(Instant since) throws IOException {
        List<LogFile> files = files();
        if (files.isEmpty()) return null;
        for (LogFile f : files) {
            String last = lastLine(f);
            if (last != null && !JsonLogLine.time(last).isBefore(since)) return cursor(f, 0);
        }
        LogFile newest = files.get(files.size() - 1);
        return cursor(newest, newest.size);
    }

    // ---- files ----

    /** The log and its rotated files that exist, oldest first. */
    private List<LogFile> files() throws IOException {
        List<LogFile> newestFirst = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path p = i == 0 ? log : log.resolveSibling(log.getFileName() + "." + i);
            try {
                newestFirst.add(new LogFile(p, inode(p), Files.size(p)));
            } catch (NoSuchFileException gone) {
                if (i > 0) break; // rotated files are numbered without gaps
            }
        }
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    private static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    private static int indexOf(List<LogFile> files, Cursor cursor) throws IOException {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).inode == cursor.inode()) return head(files.get(i), cursor.offset()) == cursor.head() ? i : -1;
        }
        return -1;
    }

    /** CRC-32 of the file's first min(offset, HEAD_BYTES) bytes (0 for none), read from the listed inode. */
    private static long head(LogFile f, long offset) throws IOException {
        if (offset <= 0) return 0;
        try (FileChannel ch = FileChannel.open(f.path, StandardOpenOption.READ)) {
            if (inode(f.path) != f.inode) throw new ConcurrentModificationException(); // renamed since listed
            return head(ch, offset);
        }
    }

    private static long head(FileChannel ch, long offset) throws IOException {
        int n = (int) Math.min(offset, HEAD_BYTES);
        if (n <= 0) return 0;
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining() && ch.read(buffer, buffer.position()) > 0) { /* fill */ }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(buffer.array(), 0, buffer.position());
        return crc.getValue();
    }

    private static Cursor cursor(LogFile f, long offset) throws IOException {
        return new Cursor(f.inode, offset, head(f, offset));
    }

    private static Cursor cursor(LogFile f, FileChannel open, long offset) throws IOException {
        return new Cursor(f.inode, offset, head(open, offset));
    }

    private static final class ConcurrentModificationException extends IOException {
        ConcurrentModificationException() { super("rotated"); }
    }

    private Chunk readFrom(List<LogFile> files, int index, long offset, long maxBytes, boolean skipped) throws IOException {
        List<String> lines = new ArrayList<>();
        long budget = maxBytes;
        Cursor cursor = cursor(files.get(index), offset);
        for (int i = index; i < files.size(); i++) {
            LogFile f = files.get(i);
            long position = i == index ? offset : 0;
            try (FileChannel ch = FileChannel.open(f.path, StandardOpenOption.READ)) {
                if (inode(f.path) != f.inode) throw new ConcurrentModificationException(); // renamed since listed
                long end = ch.size();
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                long lineStart = position;
                while (position < end) {
                    buffer.clear();
                    int n = ch.read(buffer, position);
                    if (n <= 0) break;
                    byte[] bytes = buffer.array();
                    int from = 0;
                    for (int k = 0; k < n; k++) {
                        if (bytes[k] != '\n') continue;
                        line.write(bytes, from, k - from);
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        budget -= line.size() + 1;
                        line.reset();
                        from = k + 1;
                        lineStart = position + from;
                        cursor = null; // made once the read stops: hashing the head per line would cost
                        if (budget <= 0) return new Chunk(lines, cursor(f, ch, lineStart), lineStart < end || i < files.size() - 1, skipped);
                    }
                    line.write(bytes, from, n - from);
                    position += n;
                }
                // The newest file's unfinished line is left for the next read. A rotated file is finished (the writer
                // writes whole records; a torn one, from a full disk, is skipped): go on at the start of the next.
                cursor = i < files.size() - 1 ? new Cursor(files.get(i + 1).inode, 0, 0) : cursor(f, ch, lineStart);
            }
        }
        return new Chunk(lines, cursor, false, skipped);
    }

    // ---- reading backwards ----

    /** The offset where the last {@code n} lines of {@code f} begin, or -1 if it has fewer. */
    private static long startOfLastLines(LogFile f, int n) throws IOException {
        if (n <= 0) return f.size;
        try (FileChannel ch = FileChannel.open(f.path, StandardOpenOption.READ)) {
            long end = ch.size();
            int newlines = 0;
            long position = end;
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (position > 0) {
                int size = (int) Math.min(buffer.capacity(), position);
                position -= size;
                buffer.clear().limit(size);
                ch.read(buffer, position);
                for (int k = size - 1; k >= 0; k--) {
                    if (buffer.get(k) != '\n' || position + k == end - 1) continue; // the last line's own newline
                    if (++newlines == n) return position + k + 1;
                }
            }
            return end > 0 && newlines + 1 == n ? 0 : -1;
        } catch (NoSuchFileException gone) {
            return -1;
        }
    }

    private static int countLines(LogFile f) throws IOException {
        try (var in = Files.newInputStream(f.path)) {
            int count = 0;
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int k = 0; k < n; k++) if (buffer[k] == '\n') count++;
            }
            return count;
        } catch (NoSuchFileException gone) {
            return 0;
        }
    }

    private static String lastLine(LogFile f) throws IOException {
        long start = startOfLastLines(f, 1);
        if (start < 0 || start >= f.size) return null;
        try (FileChannel ch = FileChannel.open(f.path, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(f.size - start, 1 << 20));
            ch.read(buffer, start);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            return nl >= 0 ? text.substring(0, nl) : null;
        } catch (NoSuchFileException gone) {
            return null;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
