package dev.jplay.reports;

import java.util.Locale;

/** Durations as people read them: 850 ms, 2.4 s, 3 min 12 s. */
final class Durations {
    private Durations() {}

    static String human(long ms) {
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        long s = ms / 1000;
        if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** An axis label: as precise as the tick step needs. */
    static String axis(long ms, long step) {
        if (step < 1000) return ms == 0 ? "0" : (ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0));
        if (ms < 60_000 || step < 60_000) return (ms / 1000) + " s";
        return (ms / 60_000) + " min";
    }
}
