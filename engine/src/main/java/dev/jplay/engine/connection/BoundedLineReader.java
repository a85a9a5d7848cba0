package dev.jplay.engine.connection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads '\n'-terminated UTF-8 lines, refusing any line longer than a bound (agent output is untrusted). */
final class BoundedLineReader {

    static final class LineTooLongException extends IOException {
        LineTooLongException(int max) {
            super("line longer than " + max + " bytes");
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;

    BoundedLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line without its terminator, or null at end of stream (a final unterminated line is returned). */
    String readLine() throws IOException {
        ByteArrayOutputStream line = null;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line == null ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') pos++;
            int length = pos - start;
            int sofar = line == null ? 0 : line.size();
            if (sofar + length > maxBytes) throw new LineTooLongException(maxBytes);
            if (pos < limit) { // found the terminator
                pos++;
                if (line == null) return new String(buf, start, length, StandardCharsets.UTF_8);
                line.write(buf, start, length);
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line == null) line = new ByteArrayOutputStream(Math.max(256, length * 2));
            line.write(buf, start, length);
        }
    }
}
