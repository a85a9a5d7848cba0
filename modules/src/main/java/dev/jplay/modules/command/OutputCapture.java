package dev.jplay.modules.command;

import dev.jplay.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains one stream of a child process on its own thread, so a child blocked writing stderr can never stall
 * a parent reading stdout. Keeps the first bytes (what a result can carry) and only counts the rest.
 */
final class OutputCapture {
    /** Leaves room for the "cut" marker inside {@link Protocol#MAX_OUTPUT_CHARS}. */
    static final int KEEP_BYTES = Protocol.MAX_OUTPUT_CHARS - 128;

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;
    private final Thread thread;

    OutputCapture(InputStream in, String name) {
        thread = new Thread(() -> drain(in), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void drain(InputStream in) {
        byte[] buf = new byte[16 * 1024];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (this) {
                    int keep = Math.max(0, Math.min(n, KEEP_BYTES - kept.size()));
                    kept.write(buf, 0, keep);
                    dropped += n - keep;
                }
            }
        } catch (IOException e) {
            // The pipe closed under us (process killed): what was read is the output.
        }
    }

    /** Waits up to {@code millis} for the stream to end (every writer closed it); false if it did not. */
    boolean await(long millis) throws InterruptedException {
        thread.join(Math.max(1, millis));
        return !thread.isAlive();
    }

    /** The output so far as text; trailing line breaks removed when {@code stripEnds}. */
    synchronized String text(boolean stripEnds) {
        String s = kept.toString(StandardCharsets.UTF_8);
        if (stripEnds) s = s.replaceAll("[\r\n]+$", "");
        if (dropped > 0) s += "\n[... " + dropped + " more bytes cut by the agent]";
        return s;
    }
}
