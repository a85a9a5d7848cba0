package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.Loop;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.template.TemplateException;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.TaskOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs one {@link ModuleTask} on one host: loop, {@code when}, templating of args, the module (on the
 * controller or through the agent {@link ExecutionTargets} picks: the host's, the controller's, a delegate's),
 * {@code retries/until}, {@code changed_when}/{@code failed_when}, {@code register} and {@code notify}. Reports
 * every outcome to the listener and counts it in the recap.
 */
final class TaskExecutor {
    private final Templater templater;
    private final Expressions expressions;
    private final Connections connections;
    private final ControllerModules controllerModules;
    private final ExecutionTargets targets;
    private final RunOptions options;
    private final RunListener listener;
    private final Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile BecomeDefaults becomeDefaults = BecomeDefaults.NONE;
    private final HostPreparation preparation;

    /** Threads for the items of loops with {@code loop_control.parallel}; idle ones end after a minute. */
    private final ExecutorService itemPool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jplay-loop-item");
        t.setDaemon(true);
        return t;
    });

    TaskExecutor(Templater templater, Expressions expressions, Connections connections,
                 ControllerModules controllerModules, ExecutionTargets targets, RunOptions options, RunListener listener) {
        this.templater = templater;
        this.targets = targets;
        this.expressions = expressions;
        this.connections = connections;
        this.controllerModules = controllerModules;
        this.options = options;
        this.listener = listener;
        this.preparation = new HostPreparation(options.check(), listener);
    }

    /** The command line's become settings (and password). */
    void setBecomeDefaults(BecomeDefaults defaults) {
        this.becomeDefaults = defaults == null ? BecomeDefaults.NONE : defaults;
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
        VariableScope vars = play.varsFor(host, scope.vars(), task.vars());
        Loop loop = task.loop();
        if (loop == null) {
            Single s = runOnce(play, host, task, scope, vars, null, null);
            finish(host, alsoFor, task, s.registered);
            return s.verdict;
        }
        List<?> items;
        try {
            Object rendered = loop.items() instanceof String str ? templater.render(str, vars, loop.location()) : templater.render(loop.items(), vars, loop.location());
            if (!(rendered instanceof List<?> l)) {
                throw new PlaybookException(loop.location(), "loop must be a list, got " + describe(rendered));
            }
            items = l;
        } catch (PlaybookException e) {
            return report(host, task, play, null, failure(host, task, Step.TEMPLATE, "TEMPLATE", e.getMessage(), null), Instant.now(), 0);
        }
        List<Object> results = new ArrayList<>();
        boolean anyChanged = false;
        boolean anyFailed = false;
        Verdict verdict = Verdict.OK;
        List<Single> singles = loop.parallel() > 1 && items.size() > 1
                ? runConcurrently(play, host, task, scope, vars, loop, items)
                : null;
        for (int i = 0; i < items.size(); i++) {
            Single s;
            if (singles != null) {
                s = singles.get(i);
            } else {
                s = runOnce(play, host, task, scope, itemVars(vars, loop, items, i), items.get(i), loop.label());
            }
            if (s.verdict == Verdict.UNREACHABLE) return Verdict.UNREACHABLE; // no result to register (was an NPE)
            results.add(s.registered);
            anyChanged |= Boolean.TRUE.equals(s.registered.get("changed"));
            anyFailed |= Boolean.TRUE.equals(s.registered.get("failed"));
            if (s.verdict == Verdict.FAILED) verdict = Verdict.FAILED;
        }
        Map<String, Object> registered = new LinkedHashMap<>();
        registered.put("changed", anyChanged);
        registered.put("failed", anyFailed);
        registered.put("results", results);
        registered.put("skipped", false);
        finish(host, alsoFor, task, registered);
        return verdict;
    }

    private static VariableScope itemVars(VariableScope vars, Loop loop, List<?> items, int i) {
        VariableScope itemVars = vars.with(Layer.TASK_VARS, loop.loopVar(), items.get(i));
        return loop.indexVar() != null ? itemVars.with(Layer.TASK_VARS, loop.indexVar(), i) : itemVars;
    }

    /**
     * {@code loop_control.parallel}: up to that many items of this host in flight at once (the agent serves
     * requests concurrently), every item run to its end as in a sequential loop; results in the items' order.
     */
    private List<Single> runConcurrently(PlayContext play, HostRun host, ModuleTask task, TaskScope scope, VariableScope vars,
                                         Loop loop, List<?> items) {
        Semaphore slots = new Semaphore(loop.parallel());
        List<Future<Single>> futures = new ArrayList<>(items.size());
        try {
            for (int i = 0; i < items.size(); i++) {
                VariableScope itemVars = itemVars(vars, loop, items, i);
                Object item = items.get(i);
                slots.acquire();
                try {
                    futures.add(itemPool.submit(() -> {
                        try {
                            return runOnce(play, host, task, scope, itemVars, item, loop.label());
                        } finally {
                            slots.release();
                        }
                    }));
                } catch (RuntimeException e) {
                    slots.release();
                    throw e;
                }
            }
            List<Single> singles = new ArrayList<>(items.size());
            for (Future<Single> f : futures) singles.add(f.get());
            return singles;
        } catch (InterruptedException e) {
            for (Future<Single> f : futures) f.cancel(true);
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        } catch (ExecutionException e) {
            for (Future<Single> f : futures) f.cancel(true);
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private void finish(HostRun host, List<HostRun> alsoFor, ModuleTask task, Map<String, Object> registered) {
        if (registered == null) return;
        boolean notify = Boolean.TRUE.equals(registered.get("changed")) && !Boolean.TRUE.equals(registered.get("failed"));
        List<HostRun> all = new ArrayList<>(alsoFor.size() + 1);
        all.add(host);
        all.addAll(alsoFor);
        for (HostRun h : all) {
            if (h != host) shareFacts(registered, h); // the host that ran it has them from set_fact already
            if (task.register() != null) h.facts.put(task.register(), registered);
            if (notify) for (String n : task.notifies()) h.notify(n);
        }
    }

    /** {@code set_fact} facts in a result (or in each loop item's) given to another host of a run_once batch. */
    private static void shareFacts(Map<String, Object> registered, HostRun to) {
        if (registered.get("ansible_facts") instanceof Map<?, ?> facts) {
            facts.forEach((k, v) -> {
                if (!"cacheable".equals(k)) to.facts.put(String.valueOf(k), v);
            });
        }
        if (registered.get("results") instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = (Map<String, Object>) m;
                    shareFacts(r, to);
                }
            }
        }
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

    private record Single(Verdict verdict, Map<String, Object> registered) {}

    private Single runOnce(PlayContext play, HostRun host, ModuleTask task, TaskScope scope, VariableScope vars,
                           Object item, String label) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Object shownItem = item == null ? null : label != null ? safeRender(label, vars, task.location()) : item;
        try {
            List<Object> when = new ArrayList<>(scope.when());
            when.addAll(task.when());
            if (!when.isEmpty() && !expressions.test(when, vars, task.locationOf("when"))) {
                TaskOutcome o = outcome(host, task, play, shownItem, TaskOutcome.SKIPPED, false, false, null, started, t0, null);
                emit(host, o);
                return new Single(Verdict.OK, Map.of("changed", false, "failed", false, "skipped", true));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> args = (Map<String, Object>) templater.render(task.args(), vars, task.locationOf(task.module()));
            Map<String, String> env = environment(scope, task, vars);
            ExecutionTargets.Where where;
            try {
                where = targets.of(host, task.connection(), delegate(task, vars));
            } catch (dev.jplay.inventory.InventoryException e) {
                FailureInfo f = failure(host, task, Step.ARGS, "DELEGATE_INVALID", "delegate_to: " + e.getMessage(), null);
                emit(host, outcome(host, task, play, shownItem, TaskOutcome.FAILED, false, false, null, started, t0, f));
                return new Single(Verdict.FAILED, Map.of("changed", false, "failed", true, "msg", f.cause()));
            }
            FailureInfo refused;
            try {
                // The login user (remote_user) first: become to that same user needs no second agent, and the root
                // check asks who the agent would run as.
                where = where.as(loginTarget(play, task, where.target(), vars));
                where = where.as(BecomeResolver.apply(where.target(), BecomeResolver.resolve(task.become(), vars, becomeDefaults,
                        v -> v instanceof String str && Templater.isTemplate(str) ? templater.render(str, vars, task.location()) : v)));
                refused = needsRoot(host, task, where);
            } catch (IllegalArgumentException e) {
                refused = failure(host, task, Step.BECOME, "BECOME_INVALID", e.getMessage(), null);
            }
            if (refused != null) {
                emit(host, outcome(host, task, play, shownItem, TaskOutcome.FAILED, false, false, null, started, t0, refused));
                return new Single(Verdict.FAILED, Map.of("changed", false, "failed", true, "msg", refused.cause()));
            }
            TaskResult result;
            int attempts = task.retry() == null ? 1 : Math.max(1, task.retry().retries() + 1);
            int attempt = 0;
            while (true) {
                attempt++;
                result = invoke(play, host, task, args, env, vars, where);
                if (result == null) { // unreachable: already reported
                    return new Single(Verdict.UNREACHABLE, null);
                }
                applyOverrides(task, vars, result);
                if (task.retry() == null || task.retry().until().isEmpty()) break;
                Map<String, Object> untilVars = withRegistered(vars, task, result);
                if (expressions.test(task.retry().until(), untilVars, task.locationOf("until"))) break;
                if (attempt >= attempts) {
                    result.retriesExhausted(attempt);
                    break;
                }
                result.attempts(attempt);
                sleep(Duration.ofSeconds(task.retry().delaySeconds()));
            }
            result.attempts(attempt);
            boolean failed = result.failed();
            boolean changed = result.changed();
            FailureInfo error = failed ? failure(host, task, result.located(task.module())) : null;
            boolean ignored = failed && (task.ignoreErrors() || scope.ignoreErrors());
            TaskOutcome o = outcome(host, task, play, shownItem, failed ? TaskOutcome.FAILED : changed ? TaskOutcome.CHANGED : TaskOutcome.OK,
                    changed, ignored, result, started, t0, error);
            if ("container".equals(task.module()) && args.get("name") instanceof String c) { // for RollbackPlanner
                o = o.withContainer(c);
                if (where.shownAs() == null) host.ranContainerTaskThrough(where.target());
            }
            emit(host, o.withDelegate(where.shownAs()));
            emitWarnings(host, result);
            return new Single(failed && !ignored ? Verdict.FAILED : Verdict.OK, result.registered());
        } catch (PlaybookException e) {
            boolean ignored = task.ignoreErrors() || scope.ignoreErrors();
            Step step = e instanceof TemplateException ? Step.TEMPLATE : Step.CONDITION;
            FailureInfo f = failure(host, task, step, step.name(), e.getMessage(), null);
            TaskOutcome o = outcome(host, task, play, shownItem, TaskOutcome.FAILED, false, ignored, null, started, t0, f);
            emit(host, o);
            Map<String, Object> reg = new LinkedHashMap<>();
            reg.put("failed", true);
            reg.put("changed", false);
            reg.put("msg", e.getMessage());
            return new Single(ignored ? Verdict.OK : Verdict.FAILED, reg);
        }
    }

    /** The module's result, or null when the host is unreachable. */
    private TaskResult invoke(PlayContext play, HostRun host, ModuleTask task, Map<String, Object> args,
                                       Map<String, String> env, Map<String, Object> vars, ExecutionTargets.Where where) {
        if (controllerModules.handles(task.module())) {
            return controllerModules.run(task, args, vars, host, play, options);
        }
        if (RawModule.NAME.equals(task.module())) {
            try {
                return RawModule.run(connections, where.target(), args, env, options.check(),
                        taskTimeout(task));
            } catch (ConnectionException e) {
                markUnreachable(host, task, play, e, where.shownAs());
                return null;
            }
        }
        AgentCall call;
        try {
            call = controllerModules.prepareAgentCall(task, args, vars, play);
        } catch (ControllerModules.PrepareException e) {
            return TaskResult.failed(new Failure(Step.ARGS, e.code(), e.getMessage()));
        }
        HostTarget target = where.target();
        if (where.shownAs() == null) host.agentTarget = target; // a delegate's session is not the host's, for rollbacks
        AgentSession session;
        try {
            session = connections.session(target);
        } catch (ConnectionException e) {
            // The host answered but would not let its agent become the user: a failed task, not an unreachable host
            // (its login agent still works; the refusal is kept for the run, so a wrong password is not retried).
            if (e.step() == ConnectionException.Step.BECOME) return becomeRefused(e);
            markUnreachable(host, task, play, e, where.shownAs());
            return null;
        }
        Duration timeout = taskTimeout(task);
        try {
            TaskResult unprepared = preparation.before(host, task, call.args(), vars, where.target(), session);
            if (unprepared != null) return unprepared;
            AgentResult r = session.call(call.module(), call.args(), options.check(), options.diff(), timeout, env).get();
            return TaskResult.of(r);
        } catch (ExecutionException e) {
            // The agent died or stopped answering: its session is not trusted again; a later play reconnects.
            connections.discard(target);
            markUnreachable(host, task, play, Connections.unwrap(e.getCause()), where.shownAs());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        }
    }

    /**
     * {@code reached} (the host, or where the task is delegated) as this task logs in to it: the login user is its
     * inventory's ({@code ansible_user}), else the task's {@code remote_user}, else the play's, else left to the
     * CLI's {@code -u} and ~/.ssh/config. Ansible's order, a delegate included: remote_user applies to the delegate
     * connection too unless the delegate's inventory names its user.
     */
    private HostTarget loginTarget(PlayContext play, ModuleTask task, HostTarget reached, Map<String, Object> vars) {
        if (reached.kind() != HostTarget.Kind.SSH || reached.user() != null) return reached;
        String written = task.remoteUser() != null ? task.remoteUser() : play.play().remoteUser();
        if (written == null) return reached;
        Location at = task.remoteUser() != null ? task.locationOf("remote_user") : play.play().locationOf("remote_user");
        return reached.withUser(String.valueOf(templater.render(written, vars, at)));
    }

    private Duration taskTimeout(ModuleTask task) {
        return task.timeoutSeconds() == null ? options.taskTimeout() : Duration.ofSeconds(task.timeoutSeconds());
    }

    private static TaskResult becomeRefused(ConnectionException e) {
        return TaskResult.failed(e.failure());
    }

    private void markUnreachable(HostRun host, ModuleTask task, PlayContext play, ConnectionException e, String shownAs) {
        FailureInfo f = failure(host, task, e.failure());
        host.unreachable = true;
        host.unreachableCause = f;
        TaskOutcome o = new TaskOutcome(host.name, play.name(), task.displayName(), task.module(), task.location().toString(),
                TaskOutcome.UNREACHABLE, false, false, null, null, null, null, e.getMessage(), null, Instant.now().toString(), 0, f);
        emit(host, o.withDelegate(shownAs));
    }

    /**
     * {@code image} and {@code container} mount, run runc and write /var/lib/jplay: as a login user that is not root
     * and without become they would fail half-way on the host, so they fail here, before anything reaches it.
     */
    private static FailureInfo needsRoot(HostRun host, ModuleTask task, ExecutionTargets.Where where) {
        if (!HostPreparation.MODULES.contains(task.module()) || "root".equals(where.target().effectiveUser())) return null;
        // A login user left to -u and ~/.ssh/config is known only once logged in: the agent's own checks fail then.
        if (where.target().effectiveUser() == null) return null;
        String on = where.shownAs() == null ? host.name : where.shownAs();
        return failure(host, task, Step.BECOME, "BECOME_REQUIRED", on + ": " + task.module() + " needs root, and the agent would run as "
                + where.target().effectiveUser() + ": add become: true (to the task, its block or its play, or --become)",
                Map.of("login_user", String.valueOf(where.target().user()), "module", task.module()));
    }

    /** {@code delegate_to} rendered with the host's vars (a loop's item included), or null. */
    private String delegate(ModuleTask task, VariableScope vars) {
        if (task.delegateTo() == null) return null;
        Object rendered = templater.render(task.delegateTo(), vars, task.locationOf("delegate_to"));
        String name = rendered == null ? "" : String.valueOf(rendered).strip();
        if (name.isEmpty() || rendered instanceof Map || rendered instanceof List) {
            throw new TemplateException(task.locationOf("delegate_to"), "delegate_to must name one host, got "
                    + (name.isEmpty() ? "nothing" : describe(rendered)) + " from '" + task.delegateTo() + "'");
        }
        return name;
    }

    private void applyOverrides(ModuleTask task, VariableScope vars, TaskResult result) {
        if (task.changedWhen() != null) {
            result.changed(expressions.test(task.changedWhen(), withRegistered(vars, task, result), task.locationOf("changed_when")));
        }
        if (task.failedWhen() != null) {
            boolean failed = expressions.test(task.failedWhen(), withRegistered(vars, task, result), task.locationOf("failed_when"));
            if (failed) {
                Failure had = result.failure();
                result.fail(Failure.builder(Step.CONDITION, "FAILED_WHEN", "failed_when condition held")
                        .detail(had == null ? null : had.detail()).build());
            } else {
                result.pass();
            }
        }
    }

    /** Conditions see the result under the {@code register} name (as in Ansible) and as {@code result}. */
    private static VariableScope withRegistered(VariableScope vars, ModuleTask task, TaskResult result) {
        VariableScope v = vars.with(Layer.TASK_VARS, "result", result.registered());
        return task.register() == null ? v : v.with(Layer.TASK_VARS, task.register(), result.registered());
    }

    private Map<String, String> environment(TaskScope scope, ModuleTask task, Map<String, Object> vars) {
        if (scope.environment().isEmpty() && task.environment().isEmpty()) return null;
        Map<String, Object> merged = new LinkedHashMap<>(scope.environment());
        merged.putAll(task.environment());
        Object rendered = templater.render(merged, vars, task.locationOf("environment"));
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<?, ?>) rendered).forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        return env;
    }

    private static FailureInfo failure(HostRun host, ModuleTask task, Step step, String code, String cause, Map<String, Object> detail) {
        return failure(host, task, Failure.builder(step, code, cause).detail(detail).build());
    }

    private static FailureInfo failure(HostRun host, ModuleTask task, Failure failure) {
        return FailureInfo.of(host.name, task.displayName(), task.location().toString(), failure);
    }

    private Verdict report(HostRun host, ModuleTask task, PlayContext play, Object item, FailureInfo f, Instant started, long t0) {
        boolean ignored = task.ignoreErrors();
        TaskOutcome o = outcome(host, task, play, item, TaskOutcome.FAILED, false, ignored, null, started, t0 == 0 ? System.nanoTime() : t0, f);
        emit(host, o);
        return ignored ? Verdict.OK : Verdict.FAILED;
    }

    private TaskOutcome outcome(HostRun host, ModuleTask task, PlayContext play, Object item, String status, boolean changed,
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
    private void emitWarnings(HostRun host, TaskResult result) {
        if (result.registered().get("warnings") instanceof List<?> warnings) {
            for (Object w : warnings) {
                if (w instanceof String text && warned.add(host.name + ": " + text)) listener.warning(host.name + ": " + text);
            }
        }
    }

    private void emit(HostRun host, TaskOutcome o) {
        host.count(o);
        listener.hostResult(o);
    }

    private Object safeRender(String label, Map<String, Object> vars, Location where) {
        try {
            return templater.render(label, vars, where);
        } catch (PlaybookException e) {
            return label;
        }
    }

    static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }

    private static String describe(Object o) {
        return o == null ? "nothing" : o instanceof Map ? "a mapping" : o instanceof String s ? "the string '" + s + "'" : o.getClass().getSimpleName();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        }
    }

    /** A module call for the agent, after controller-side preparation (template rendering, local files). */
    record AgentCall(String module, Map<String, Object> args) {}
}
