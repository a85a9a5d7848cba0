package dev.jplay.engine.connection;

import dev.jplay.protocol.BoundedLineReader;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first stdout line of a starting agent (or of its start-up script), or null if the stream ended or failed
 * first; {@code timedOut} says whether the watchdog had to stop the process.
 */
record FirstLine(String line, boolean timedOut) {

    /** Reads one line; if none arrives within {@code timeout}, runs {@code stop} so the blocked read ends. */
    static FirstLine read(BoundedLineReader lines, Duration timeout, Runnable stop) {
        AtomicBoolean answered = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!answered.get()) {
                timedOut.set(true);
                stop.run();
            }
        });
        String line;
        try {
            line = lines.readLine();
        } catch (IOException e) {
            line = null;
        } finally {
            answered.set(true);
        }
        return new FirstLine(line, timedOut.get());
    }
}
