package dev.jplay.engine.schedule;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;

/**
 * Writes one run to the {@link RunHistory} as it goes: started, each completed batch, ended. A history that
 * cannot be written never fails the run: the problem is printed once and the run goes on.
 */
public final class RunRecorder {
    private final RunHistory history;
    private final Clock clock;
    private final PrintStream warnings;
    private RunRecord current;
    private boolean warned;

    private RunRecorder(RunHistory history, Clock clock, PrintStream warnings, RunRecord first) {
        this.history = history;
        this.clock = clock;
        this.warnings = warnings;
        this.current = first;
    }

    /** Records a run that starts now. Extra vars are recorded by name only: values may be secrets. */
    public static RunRecorder start(RunHistory history, Clock clock, PrintStream warnings, String runId, String scheduleName,
                                    Instant scheduledFor, String playbook, List<String> inventory, Collection<String> extraVarNames) {
        RunRecord first = new RunRecord(runId, scheduleName, scheduledFor == null ? null : scheduledFor.toString(),
                now(clock), null, RunRecord.RUNNING, null, null, playbook, inventory, List.copyOf(extraVarNames), null, null,
                ProcessIdentity.current(), List.of(), System.getProperty("user.name"), ProcessIdentity.hostName());
        RunRecorder r = new RunRecorder(history, clock, warnings, first);
        r.write();
        return r;
    }

    /** Records a fire that did not run (missed, outside the window, still running): started and ended now. */
    public static RunRecord skipped(RunHistory history, Clock clock, String runId, Schedule s, Instant scheduledFor, String reason)
            throws IOException {
        String now = now(clock);
        RunRecord r = new RunRecord(runId, s.name(), scheduledFor == null ? null : scheduledFor.toString(), now, now,
                RunRecord.SKIPPED, null, reason, s.playbook(), s.inventory(), List.copyOf(s.extraVars().keySet()), null, null,
                null, List.of(), System.getProperty("user.name"), ProcessIdentity.hostName());
        history.append(r);
        return r;
    }

    public synchronized void batchDone(RunRecord.BatchDone done) {
        current = current.withBatchDone(done);
        write();
    }

    public synchronized RunRecord finish(String outcome, Integer exitCode, String reason, RunRecord.Counts counts, String report) {
        current = current.ended(now(clock), outcome, exitCode, reason, counts, report);
        write();
        return current;
    }

    public synchronized RunRecord current() {
        return current;
    }

    private void write() {
        try {
            history.append(current);
        } catch (IOException | RuntimeException e) {
            if (!warned) warnings.println("jplay: warning: cannot record run " + current.runId() + " in " + history.file() + ": " + e.getMessage());
            warned = true;
        }
    }

    static String now(Clock clock) {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
