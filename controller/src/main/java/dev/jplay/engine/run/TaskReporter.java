package dev.jplay.engine.run;

import dev.jplay.engine.run.TaskExecutor.Verdict;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.TaskOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what happened to a task on a host into the {@link TaskOutcome} the listener gets and the host's recap counts:
 * located failures (step, code, message, detail), {@code no_log} hiding, the module's warnings.
 */
final class TaskReporter {
    private final RunListener listener;
    private final Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    TaskReporter(RunListener listener) {
        this.listener = listener;
    }

    /**
     * A host of a run_once batch whose one run (on {@code ranOn}) failed or could not reach its host: it fails
     * too (Ansible fails every host of the batch), saying where the task ran.
     */
    void failedWithRunOnce(PlayContext play, HostRun host, ModuleTask task, String ranOn, Verdict verdict) {
        String why = verdict == Verdict.UNREACHABLE ? "could not run: " + ranOn + " was unreachable" : "failed on " + ranOn;
        FailureInfo f = failure(host, task, Step.RUN_ONCE, "RUN_ONCE_FAILED", "run_once task " + why
                + "; it runs once for the whole batch", Map.of("ran_on", ranOn));
        emit(host, outcome(host, task, play, null, TaskOutcome.FAILED, false, false, null, Instant.now(), System.nanoTime(), f));
    }

    /** {@code host} lost through the session of {@code where} (the host, or the delegate it is shown as). */
    void markUnreachable(HostRun host, ModuleTask task, PlayContext play, ConnectionException e, ExecutionTargets.Where where) {
        String shownAs = where.shownAs();
        FailureInfo f = failure(host, task, e.failure());
        host.markUnreachable(f, where.target());
        TaskOutcome o = new TaskOutcome(host.name, play.name(), task.displayName(), task.module(), task.location().toString(),
                TaskOutcome.UNREACHABLE, false, false, null, null, null, null, e.getMessage(), null, Instant.now().toString(), 0, f);
        emit(host, o.withDelegate(shownAs));
    }

    static FailureInfo failure(HostRun host, ModuleTask task, Step step, String code, String cause, Map<String, Object> detail) {
        return failure(host, task, Failure.builder(step, code, cause).detail(detail).build());
    }

    static FailureInfo failure(HostRun host, ModuleTask task, Failure failure) {
        return FailureInfo.of(host.name, task.displayName(), task.location().toString(), failure);
    }

    Verdict report(HostRun host, ModuleTask task, PlayContext play, Object item, FailureInfo f, Instant started, long t0) {
        boolean ignored = task.ignoreErrors();
        TaskOutcome o = outcome(host, task, play, item, TaskOutcome.FAILED, false, ignored, null, started, t0 == 0 ? System.nanoTime() : t0, f);
        emit(host, o);
        return ignored ? Verdict.OK : Verdict.FAILED;
    }

    TaskOutcome outcome(HostRun host, ModuleTask task, PlayContext play, Object item, String status, boolean changed,
                        boolean ignored, TaskResult result, Instant started, long t0, FailureInfo error) {
        boolean hide = task.noLog();
        Integer rc = result == null ? null : result.rc();
        String stdout = hide || result == null ? null : result.stdout();
        String stderr = hide || result == null ? null : result.stderr();
        String msg = result == null ? (error == null ? null : error.cause()) : hide ? "(output hidden: no_log)" : result.msg();
        Map<String, Object> diff = hide || result == null ? null : result.diff();
        if (hide && error != null) error = new FailureInfo(error.host(), error.task(), error.location(), error.step(), error.code(), "(output hidden: no_log)", null);
        return new TaskOutcome(host.name, play.name(), task.displayName(), task.module(), task.location().toString(), status,
                changed, ignored, hide ? null : item, rc, stdout, stderr, msg, diff, started.toString(),
                (System.nanoTime() - t0) / 1_000_000, error);
    }

    /** A module may return {@code warnings: [strings]} (e.g. runtime CVE advisories): each shown once per host and run. */
    void emitWarnings(HostRun host, TaskResult result) {
        if (result.output().get("warnings") instanceof List<?> warnings) {
            for (Object w : warnings) {
                if (w instanceof String text && warned.add(host.name + ": " + text)) listener.warning(host.name + ": " + text);
            }
        }
    }

    void emit(HostRun host, TaskOutcome o) {
        host.count(o);
        listener.hostResult(o);
    }

    static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }
}
