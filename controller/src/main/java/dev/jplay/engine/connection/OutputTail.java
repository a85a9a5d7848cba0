package dev.jplay.engine.connection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Drains a stream on its own thread, keeping only its last bytes (an agent's stderr, for error messages). */
final class OutputTail {
    private final byte[] ring;
    private long written;
    private final Thread thread;

    OutputTail(InputStream in, int keepBytes, String threadName) {
        this.ring = new byte[keepBytes];
        this.thread = new Thread(() -> drain(in), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void drain(InputStream in) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) append(buf, n);
        } catch (IOException e) {
            // The stream ended with the process or connection: what we have is the tail.
        }
    }

    private synchronized void append(byte[] buf, int n) {
        for (int i = 0; i < n; i++) ring[(int) ((written + i) % ring.length)] = buf[i];
        written += n;
    }

    /** Waits up to {@code millis} for the stream to end, then returns its tail (trimmed; maybe empty). */
    String awaitTail(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return tail();
    }

    synchronized String tail() {
        String s = kept().strip();
        return truncated() ? "..." + s : s;
    }

    /** The bytes kept, as text, untrimmed. */
    synchronized String kept() {
        int size = (int) Math.min(written, ring.length);
        byte[] out = new byte[size];
        long from = written - size;
        for (int i = 0; i < size; i++) out[i] = ring[(int) ((from + i) % ring.length)];
        return new String(out, StandardCharsets.UTF_8);
    }

    /** True when the stream was longer than what is kept. */
    synchronized boolean truncated() {
        return written > ring.length;
    }
}
