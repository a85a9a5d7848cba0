package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.UpdatePolicy;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Calls a task's module where it runs: on the controller ({@link ControllerModules}), over plain SSH
 * ({@link RawModule}), or through the agent of the host (after its {@link HostPreparation}) or of a delegate.
 * A connection that fails marks the host unreachable; the agent's result comes back as a {@link TaskResult}.
 */
final class ModuleDispatcher {
    private final Connections connections;
    private final ControllerModules controllerModules;
    private final HostPreparation preparation;
    private final ImageRelayStep relays;
    private final RunOptions options;
    private final TaskReporter reporter;
    private final PeerDistribution peers = new PeerDistribution();

    ModuleDispatcher(Connections connections, ControllerModules controllerModules, HostPreparation preparation,
                     RunOptions options, TaskReporter reporter) {
        this.connections = connections;
        this.controllerModules = controllerModules;
        this.preparation = preparation;
        this.relays = new ImageRelayStep(options.check());
        this.options = options;
        this.reporter = reporter;
    }

    ImageRelayStep relays() {
        return relays;
    }

    /** The module's result, or null when the host is unreachable. */
    TaskResult invoke(PlayContext play, HostRun host, ModuleTask task, Map<String, Object> args,
                               Map<String, String> env, Map<String, Object> vars, ExecutionTargets.Where where) {
        if (controllerModules.handles(task.module())) {
            return controllerModules.run(task, args, vars, host, play, options);
        }
        if (RawModule.NAME.equals(task.module())) {
            try {
                return RawModule.run(connections, where.target(), args, env, options.check(),
                        taskTimeout(task));
            } catch (ConnectionException e) {
                reporter.markUnreachable(host, task, play, e, where);
                return null;
            }
        }
        TaskExecutor.AgentCall call;
        HostTarget target = where.target();
        try {
            call = controllerModules.prepareAgentCall(task, args, vars, play);
            call = new TaskExecutor.AgentCall(call.module(), peers.attach(call.module(), call.args(), host.name, target, vars,
                    options.check(), where.shownAs() != null));
        } catch (ControllerModules.PrepareException e) {
            return TaskResult.failed(new Failure(Step.ARGS, e.code(), e.getMessage()));
        }
        if (where.shownAs() == null) host.reachedThrough(target); // a delegate's session is not the host's, for rollbacks
        AgentSession session;
        try {
            session = connections.session(target);
        } catch (ConnectionException e) {
            // The host answered but would not let its agent become the user: a failed task, not an unreachable host
            // (its login agent still works; the refusal is kept for the run, so a wrong password is not retried).
            if (e.step() == Step.BECOME) return becomeRefused(e);
            reporter.markUnreachable(host, task, play, e, where);
            return null;
        }
        Duration timeout = taskTimeout(task);
        try {
            TaskResult unprepared = preparation.before(host, task, call.args(), vars, where.target(), session);
            if (unprepared != null) return unprepared;
            ImageRelayStep.Relayed relayed = relays.before(host, task, call.args(), vars, where.target(), session);
            if (relayed.failed() != null) return relayed.failed();
            boolean gathering = "setup".equals(call.module()) && where.shownAs() == null;
            if (gathering) {
                TaskResult known = HostFacts.reuse(host, call.args());
                if (known != null) return known; // gathered in an earlier play of this run: not asked again
            }
            ServicePlay service = play.service();
            boolean instance = service != null && !options.check() && where.shownAs() == null
                    && service.manages(host.name, call.module(), call.args());
            if (instance && service.isServing(host.name, (String) call.args().get("name"))) {
                // A serving instance changes only in the service's order; the check-mode call says whether it changes.
                AgentResult preview = session.call(call.module(), call.args(), true, false, timeout, env).get();
                UpdatePolicy policy = service.policyOf(task); // the task's own update:, else the play's
                if (preview.changed() && service.order(policy) == UpdatePolicy.Order.START_FIRST) {
                    AgentResult replaced = service.replaceStartFirst(host.name, session, call.args(), policy, options.diff(), timeout, env);
                    if (replaced != null) return TaskResult.of(replaced);
                }
                if (preview.changed()) service.beforeStop(host.name, (String) call.args().get("name"), policy); // stop-first
            }
            AgentResult r = session.call(call.module(), call.args(), options.check(), options.diff(), timeout, env).get();
            if (r.failed()) peers.failed(call.module(), call.args(), host.name);
            if (instance) service.containerDone(host.name, call.args(), r.failed());
            TaskResult result = TaskResult.of(r);
            ImageRelayStep.after(relayed, call.module(), result);
            if (gathering && !r.failed()) HostFacts.remember(host, call.args(), result);
            return result;
        } catch (ExecutionException e) {
            // The agent died or stopped answering: its session is not trusted again; a later play reconnects.
            connections.discard(target);
            reporter.markUnreachable(host, task, play, Connections.unwrap(e.getCause()), where);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        }
    }

    private Duration taskTimeout(ModuleTask task) {
        return task.timeoutSeconds() == null ? options.taskTimeout() : Duration.ofSeconds(task.timeoutSeconds());
    }

    private static TaskResult becomeRefused(ConnectionException e) {
        return TaskResult.failed(e.failure());
    }
}
