package dev.jplay.engine.run;

import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collects every outcome of a run into a {@link RunReport}. */
public final class ReportCollector implements RunListener {
    private final List<TaskOutcome> results = new ArrayList<>();
    private final Instant started = Instant.now();
    private Map<String, HostRecap> recap = Map.of();
    private int exitCode;
    private Instant finished;

    @Override
    public synchronized void hostResult(TaskOutcome outcome) {
        results.add(outcome);
    }

    @Override
    public synchronized void runFinished(Map<String, HostRecap> recap, int exitCode) {
        this.recap = recap;
        this.exitCode = exitCode;
        this.finished = Instant.now();
    }

    public synchronized RunReport report(String runId, String version, String playbook, List<String> inventory, boolean check,
                                         int exitCodeOverride, String outcomeOverride) {
        Instant end = finished == null ? Instant.now() : finished;
        List<FailureInfo> failures = results.stream()
                .filter(o -> o.error() != null && !o.ignored())
                .map(TaskOutcome::error)
                .toList();
        int code = exitCodeOverride >= 0 ? exitCodeOverride : exitCode;
        String outcome = outcomeOverride != null ? outcomeOverride : ExitCodes.outcome(code);
        return new RunReport(RunReport.SCHEMA_VERSION, runId, version, playbook, inventory, check, started.toString(),
                end.toString(), Duration.between(started, end).toMillis(), code, outcome, recap, failures, List.copyOf(results));
    }
}
