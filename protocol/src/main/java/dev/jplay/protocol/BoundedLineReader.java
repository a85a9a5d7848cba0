package dev.jplay.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads '\n'-terminated lines with a size bound, so one over-long line cannot exhaust the heap. Both ends of
 * the protocol use it: the agent skips an over-long request and carries on ({@link #next()}); the controller
 * treats an over-long agent line as a protocol error ({@link #readLine()}).
 */
public final class BoundedLineReader {
    /** Returned by {@link #next()} for a line longer than the bound; compare by identity. */
    public static final byte[] TOO_LONG = new byte[0];

    /** Thrown by {@link #readLine()} as soon as a line exceeds the bound. */
    public static final class LineTooLongException extends IOException {
        public LineTooLongException(int max) {
            super("line longer than " + max + " bytes");
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;

    public BoundedLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * The next line's bytes without the terminator, or null at end of input (a final unterminated line is
     * returned). An over-long line is skipped to its end, never held in memory, and reported as
     * {@link #TOO_LONG}, so the stream stays in step.
     */
    public byte[] next() throws IOException {
        return read(true);
    }

    /**
     * The next UTF-8 line without its terminator, or null at end of input (a final unterminated line is
     * returned).
     *
     * @throws LineTooLongException as soon as the line exceeds the bound, without reading the rest of it
     */
    public String readLine() throws IOException {
        byte[] line = read(false);
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    private byte[] read(boolean skipTooLong) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (tooLong) return TOO_LONG;
                    return line.size() == 0 ? null : line.toByteArray();
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') pos++;
            int length = pos - start;
            if (!tooLong && line.size() + length > maxBytes) {
                if (!skipTooLong) throw new LineTooLongException(maxBytes);
                tooLong = true;
                line = new ByteArrayOutputStream();
            }
            if (!tooLong) line.write(buf, start, length);
            if (pos < limit) {
                pos++; // the terminator
                return tooLong ? TOO_LONG : line.toByteArray();
            }
        }
    }
}
