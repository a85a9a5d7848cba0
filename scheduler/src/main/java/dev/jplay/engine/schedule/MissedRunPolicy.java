package dev.jplay.engine.schedule;

import java.util.Locale;

/** What the scheduler does on start for fire times that passed while it was not running. */
public enum MissedRunPolicy {
    /** Record the missed fire as skipped and wait for the next one. */
    SKIP,
    /** Run once now (however many fires were missed), if the maintenance window allows it. */
    RUN_ONCE;

    public static MissedRunPolicy parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "skip" -> SKIP;
            case "run_once" -> RUN_ONCE;
            default -> throw new IllegalArgumentException("missed-run policy must be skip or run_once, got '" + s + "'");
        };
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
