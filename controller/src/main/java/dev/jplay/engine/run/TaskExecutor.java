package dev.jplay.engine.run;

import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.playbook.Loop;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@link ModuleTask} on one host: loop ({@link ItemLoop}, {@link ParallelItems}), {@code when}, templating
 * of args ({@link TaskAttempt}), where and as whom ({@link TaskTargets}: the host's, the controller's, a delegate's),
 * the module ({@link ModuleDispatcher}), {@code retries/until} ({@link RetryLoop}), {@code changed_when}/
 * {@code failed_when} ({@link ResultOverrides}), {@code register} and {@code notify} ({@link TaskRegistration}).
 * Reports every outcome to the listener and counts it in the recap ({@link TaskReporter}).
 */
final class TaskExecutor {
    private final TaskTargets taskTargets;
    private final TaskReporter reporter;
    private final TaskAttempt attempt;
    private final ItemLoop items;
    private final ImagePrestager prestager;

    TaskExecutor(Templater templater, Expressions expressions, Connections connections,
                 ControllerModules controllerModules, ExecutionTargets targets, RunOptions options, RunListener listener) {
        this.reporter = new TaskReporter(listener);
        this.taskTargets = new TaskTargets(targets, templater);
        HostPreparation preparation = new HostPreparation(options.check(), listener);
        ModuleDispatcher dispatcher = new ModuleDispatcher(connections, controllerModules, preparation, options, reporter);
        RetryLoop retries = new RetryLoop(dispatcher, new ResultOverrides(expressions), expressions);
        this.attempt = new TaskAttempt(templater, expressions, taskTargets, retries, reporter);
        this.items = new ItemLoop(templater, attempt, new ParallelItems(attempt), reporter);
        this.prestager = new ImagePrestager(templater, taskTargets, connections, dispatcher.relays(), listener, options.check(),
                options.forks());
    }

    /** Fetches the next batch's images while a batch runs. */
    ImagePrestager prestager() {
        return prestager;
    }

    /** The command line's become settings (and password). */
    void setBecomeDefaults(BecomeDefaults defaults) {
        taskTargets.setBecomeDefaults(defaults);
    }

    /** What the strategy needs to know after a task ran on a host. */
    enum Verdict { OK, FAILED, UNREACHABLE }

    Verdict run(PlayContext play, HostRun host, ModuleTask task, TaskScope scope) {
        return run(play, host, task, scope, List.of());
    }

    /**
     * @param alsoFor the other hosts of a {@code run_once} task's batch: the result is theirs too (registered
     *                var, set_fact facts, notified handlers), as in Ansible
     */
    Verdict run(PlayContext play, HostRun host, ModuleTask task, TaskScope scope, List<HostRun> alsoFor) {
        VariableScope vars = play.varsFor(host, scope, task.vars());
        Loop loop = task.loop();
        if (loop == null) {
            SingleResult s = attempt.runOnce(play, host, task, scope, vars, null, null);
            TaskRegistration.finish(host, alsoFor, task, s.registered());
            return s.verdict();
        }
        return items.run(play, host, task, scope, alsoFor, vars, loop);
    }

    /**
     * A host of a run_once batch whose one run (on {@code ranOn}) failed or could not reach its host: it fails
     * too (Ansible fails every host of the batch), saying where the task ran.
     */
    void failedWithRunOnce(PlayContext play, HostRun host, ModuleTask task, String ranOn, Verdict verdict) {
        reporter.failedWithRunOnce(play, host, task, ranOn, verdict);
    }

    /** An include whose file or role could not be read on this host: a failed task, located, with the include chain. */
    void includeFailed(PlayContext play, HostRun host, ModuleTask task, String message) {
        Verdict v = reporter.report(host, task, play, null, TaskReporter.failure(host, task, dev.jplay.protocol.Step.ARGS,
                "INCLUDE_FAILED", message, null), java.time.Instant.now(), 0);
        if (v == Verdict.FAILED) host.failInPlay();
    }

    static String describe(Object o) {
        return o == null ? "nothing" : o instanceof Map ? "a mapping" : o instanceof String s ? "the string '" + s + "'" : o.getClass().getSimpleName();
    }

    /** A module call for the agent, after controller-side preparation (template rendering, local files). */
    record AgentCall(String module, Map<String, Object> args) {}
}
