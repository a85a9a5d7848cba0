package dev.jplay.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads newline-terminated lines of bytes with a size bound: an over-long line is skipped to its end (never
 * held in memory) and reported, so one bad request cannot exhaust the heap or desynchronise the stream.
 */
final class LineReader {
    /** Returned for a line longer than the bound; compare by identity. */
    static final byte[] TOO_LONG = new byte[0];

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line without its terminator, {@link #TOO_LONG}, or null at end of input. */
    byte[] next() throws IOException {
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
            int n = pos - start;
            if (!tooLong && line.size() + n > maxBytes) {
                tooLong = true;
                line = new ByteArrayOutputStream();
            }
            if (!tooLong) line.write(buf, start, n);
            if (pos < limit) {
                pos++; // the newline
                return tooLong ? TOO_LONG : line.toByteArray();
            }
        }
    }
}
