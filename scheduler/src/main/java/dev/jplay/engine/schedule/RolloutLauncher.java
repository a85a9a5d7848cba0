package dev.jplay.engine.schedule;

import dev.jplay.engine.run.BatchGate;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** Runs one rollout of a schedule to its end. The scheduler calls it on a thread of its own. */
@FunctionalInterface
public interface RolloutLauncher {
    /**
     * What a rollout should run with. The launcher must consult {@code gate} before every batch, and give up any wait
     * before its first batch (a lock) as soon as {@code stopping} turns true.
     */
    record Request(Schedule schedule, String runId, Path runDir, BatchGate gate, BooleanSupplier stopping) {
        public Request(Schedule schedule, String runId, Path runDir, BatchGate gate) {
            this(schedule, runId, runDir, gate, () -> false);
        }
    }

    /**
     * What it ended with.
     *
     * @param outcome the report's outcome: ok, failed, unreachable, failed_unreachable, interrupted or error
     * @param report  report.json, or null when none was written
     */
    record Result(String outcome, int exitCode, RunRecord.Counts counts, Path report, String reason) {}

    Result launch(Request request) throws Exception;
}
