package dev.jplay.reports;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Per-host counters, as in Ansible's PLAY RECAP. {@code ok} counts changed results too, like Ansible. */
public record HostRecap(
        @JsonProperty("ok") int ok,
        @JsonProperty("changed") int changed,
        @JsonProperty("unreachable") int unreachable,
        @JsonProperty("failed") int failed,
        @JsonProperty("skipped") int skipped,
        @JsonProperty("ignored") int ignored,
        @JsonProperty("rescued") int rescued) {

    public static final HostRecap ZERO = new HostRecap(0, 0, 0, 0, 0, 0, 0);

    public HostRecap add(TaskOutcome o) {
        return switch (o.status()) {
            case TaskOutcome.OK -> new HostRecap(ok + 1, changed, unreachable, failed, skipped, ignored, rescued);
            case TaskOutcome.CHANGED -> new HostRecap(ok + 1, changed + 1, unreachable, failed, skipped, ignored, rescued);
            case TaskOutcome.SKIPPED -> new HostRecap(ok, changed, unreachable, failed, skipped + 1, ignored, rescued);
            case TaskOutcome.UNREACHABLE -> new HostRecap(ok, changed, unreachable + 1, failed, skipped, ignored, rescued);
            case TaskOutcome.FAILED -> o.ignored()
                    ? new HostRecap(ok, changed, unreachable, failed, skipped, ignored + 1, rescued)
                    : new HostRecap(ok, changed, unreachable, failed + 1, skipped, ignored, rescued);
            default -> throw new IllegalArgumentException("unknown status " + o.status());
        };
    }

    public HostRecap withRescue() {
        return new HostRecap(ok, changed, unreachable, Math.max(0, failed - 1), skipped, ignored, rescued + 1);
    }
}
