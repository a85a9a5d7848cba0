package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.protocol.AgentResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Calls a task's module where it runs: on the controller ({@link ControllerModules}), over plain SSH
 * ({@link RawModule}), or through the agent of the host (after its {@link HostPreparation}) or of a delegate.
 * A connection that fails marks the host unreachable; the agent's result comes back as the registered map.
 */
final class ModuleDispatcher {
    private final Connections connections;
    private final ControllerModules controllerModules;
    private final HostPreparation preparation;
    private final RunOptions options;
    private final TaskReporter reporter;

    ModuleDispatcher(Connections connections, ControllerModules controllerModules, HostPreparation preparation,
                     RunOptions options, TaskReporter reporter) {
        this.connections = connections;
        this.controllerModules = controllerModules;
        this.preparation = preparation;
        this.options = options;
        this.reporter = reporter;
    }

    /** The module's result as a mutable map (what {@code register} stores), or null when the host is unreachable. */
    Map<String, Object> invoke(PlayContext play, HostRun host, ModuleTask task, Map<String, Object> args,
                               Map<String, String> env, Map<String, Object> vars, ExecutionTargets.Where where) {
        if (controllerModules.handles(task.module())) {
            return controllerModules.run(task, args, vars, host, play, options);
        }
        if (RawModule.NAME.equals(task.module())) {
            try {
                return RawModule.run(connections, where.target(), args, env, options.check(),
                        taskTimeout(task));
            } catch (ConnectionException e) {
                reporter.markUnreachable(host, task, play, e, where.shownAs());
                return null;
            }
        }
        TaskExecutor.AgentCall call;
        try {
            call = controllerModules.prepareAgentCall(task, args, vars, play);
        } catch (ControllerModules.PrepareException e) {
            return failedResult("args", e.code(), e.getMessage(), Map.of());
        }
        HostTarget target = where.target();
        if (where.shownAs() == null) host.reachedThrough(target); // a delegate's session is not the host's, for rollbacks
        AgentSession session;
        try {
            session = connections.session(target);
        } catch (ConnectionException e) {
            // The host answered but would not let its agent become the user: a failed task, not an unreachable host
            // (its login agent still works; the refusal is kept for the run, so a wrong password is not retried).
            if (e.step() == ConnectionException.Step.BECOME) return becomeRefused(e);
            reporter.markUnreachable(host, task, play, e, where.shownAs());
            return null;
        }
        Duration timeout = taskTimeout(task);
        try {
            Map<String, Object> unprepared = preparation.before(host, task, call.args(), vars, where.target(), session);
            if (unprepared != null) return unprepared;
            AgentResult r = session.call(call.module(), call.args(), options.check(), options.diff(), timeout, env).get();
            return toRegistered(r);
        } catch (ExecutionException e) {
            // The agent died or stopped answering: its session is not trusted again; a later play reconnects.
            connections.discard(target);
            reporter.markUnreachable(host, task, play, Connections.unwrap(e.getCause()), where.shownAs());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        }
    }

    private Duration taskTimeout(ModuleTask task) {
        return task.timeoutSeconds() == null ? options.taskTimeout() : Duration.ofSeconds(task.timeoutSeconds());
    }

    private static Map<String, Object> becomeRefused(ConnectionException e) {
        return failedResult(e.step().wireName(), e.code(), e.getMessage(), e.detail());
    }

    /** A failed result made on the controller, located like an agent's: step, code, message and detail. */
    static Map<String, Object> failedResult(String step, String code, String msg, Map<String, Object> detail) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("failed", true);
        r.put("changed", false);
        r.put("msg", msg);
        r.put("_step", step);
        r.put("_code", code);
        if (!detail.isEmpty()) r.put("_detail", detail);
        return r;
    }

    /** Agent output is untrusted: copy only known, typed fields; module data goes under its own keys. */
    static Map<String, Object> toRegistered(AgentResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.data() != null) {
            for (Map.Entry<String, Object> e : r.data().entrySet()) {
                if (!e.getKey().startsWith("_")) m.put(e.getKey(), e.getValue());
            }
        }
        m.put("changed", r.changed());
        m.put("failed", r.failed());
        if (r.rc() != null) m.put("rc", r.rc());
        if (r.stdout() != null) {
            m.put("stdout", r.stdout());
            m.put("stdout_lines", r.stdout().isEmpty() ? List.of() : List.of(r.stdout().split("\n", -1)));
        }
        if (r.stderr() != null) {
            m.put("stderr", r.stderr());
            m.put("stderr_lines", r.stderr().isEmpty() ? List.of() : List.of(r.stderr().split("\n", -1)));
        }
        if (r.msg() != null) m.put("msg", r.msg());
        if (r.diff() != null) m.put("diff", r.diff());
        if (r.error() != null) {
            m.put("_step", r.error().step());
            m.put("_code", r.error().code());
            if (r.error().detail() != null) m.put("_detail", r.error().detail());
            m.putIfAbsent("msg", r.error().message());
        }
        return m;
    }
}
