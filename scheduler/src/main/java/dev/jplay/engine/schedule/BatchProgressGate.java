package dev.jplay.engine.schedule;

import dev.jplay.engine.run.BatchGate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The gate of a scheduled rollout. Before each batch it refuses when the scheduler is stopping or when the
 * maintenance window would close before the batch is expected to finish; the expectation is the longest
 * batch seen in this run, or the schedule's {@code expected_batch} until one was seen. Since it sees every
 * batch boundary, it also reports each completed batch (for the history and a later resume).
 */
public final class BatchProgressGate implements BatchGate {
    private final Clock clock;
    private final MaintenanceWindow window;
    private final Duration configuredExpected;
    private final BooleanSupplier stopping;
    private final Consumer<RunRecord.BatchDone> onBatchDone;
    private Pending pending;
    private Duration longestBatch = Duration.ZERO;
    private volatile String refusal;

    private record Pending(String play, int batch, List<String> hosts, Instant started) {}

    public BatchProgressGate(Clock clock, MaintenanceWindow window, Duration expected, BooleanSupplier stopping,
                             Consumer<RunRecord.BatchDone> onBatchDone) {
        this.clock = clock;
        this.window = window;
        this.configuredExpected = expected;
        this.stopping = stopping;
        this.onBatchDone = onBatchDone;
    }

    @Override
    public synchronized Optional<String> refusal(String play, int batch, int batches, List<String> hosts) {
        Instant now = clock.instant();
        completePending(now);
        String why = null;
        if (stopping.getAsBoolean()) {
            why = "the scheduler is stopping (SIGTERM): batch " + batch + " of " + batches + " and later ones were not started";
        } else if (window != null) {
            Duration expected = expected();
            if (!window.isOpen(now)) {
                why = "outside the maintenance window " + window + " (next opening " + window.nextOpening(now) + ")";
            } else if (!window.canStart(now, expected)) {
                why = "the maintenance window closes at " + window.openingAt(now).orElseThrow().closes()
                        + ", before a batch expected to take " + Durations.format(expected) + " could finish";
            }
        }
        if (why != null) {
            refusal = why;
            return Optional.of(why);
        }
        pending = new Pending(play, batch, List.copyOf(hosts), now);
        return Optional.empty();
    }

    /** The run ended without being refused or interrupted: its last batch is done too. */
    public synchronized void runCompleted() {
        completePending(clock.instant());
    }

    /** Why the last batch was refused, if one was. */
    public String lastRefusal() {
        return refusal;
    }

    public synchronized Duration expected() {
        return configuredExpected.compareTo(longestBatch) >= 0 ? configuredExpected : longestBatch;
    }

    private void completePending(Instant now) {
        if (pending == null) return;
        Duration took = Duration.between(pending.started(), now);
        if (took.compareTo(longestBatch) > 0) longestBatch = took;
        onBatchDone.accept(new RunRecord.BatchDone(pending.play(), pending.batch(), pending.hosts()));
        pending = null;
    }
}
