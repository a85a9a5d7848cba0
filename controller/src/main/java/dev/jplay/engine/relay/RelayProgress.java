package dev.jplay.engine.relay;

import dev.jplay.runtime.image.ImageReference;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What a relay tells the person at the terminal: a line per blob sent and one when a host has the image. Silent when
 * stderr is not a terminal (piped, CI): the task's result carries the same figures ({@code relay} in its output).
 */
public interface RelayProgress {
    RelayProgress QUIET = new RelayProgress() {
        @Override public void update(String host, ImageReference ref, long sent, long total) {}
        @Override public void done(String host, ImageReference ref, long sent, long millis) {}
    };

    void update(String host, ImageReference ref, long sent, long total);

    void done(String host, ImageReference ref, long sent, long millis);

    /** Lines on {@code out} when the process has a terminal ({@link System#console()}), else {@link #QUIET}. */
    static RelayProgress forTerminal(PrintStream out) {
        if (System.console() == null) return QUIET;
        return new RelayProgress() {
            @Override
            public void update(String host, ImageReference ref, long sent, long total) {
                out.printf(Locale.ROOT, "relay %s -> %s: %.1f of %.1f MB%n", ref, host, sent / 1e6, total / 1e6);
            }

            @Override
            public void done(String host, ImageReference ref, long sent, long millis) {
                out.printf(Locale.ROOT, "relay %s -> %s: %.1f MB sent in %.1f s%n", ref, host, sent / 1e6, millis / 1e3);
            }
        };
    }
}
