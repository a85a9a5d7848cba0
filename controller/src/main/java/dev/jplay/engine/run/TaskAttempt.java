package dev.jplay.engine.run;

import dev.jplay.engine.run.TaskExecutor.Verdict;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.template.TemplateException;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.protocol.Step;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.TaskOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a task on a host (one loop item, or the task without a loop): {@code when}, templating of args and
 * environment, where it runs and as whom ({@link TaskTargets}), the module with its retries ({@link RetryLoop}), and
 * the outcome reported, ignored errors included.
 */
final class TaskAttempt {
    private final Templater templater;
    private final Expressions expressions;
    private final TaskTargets taskTargets;
    private final RetryLoop retries;
    private final TaskReporter reporter;

    TaskAttempt(Templater templater, Expressions expressions, TaskTargets taskTargets, RetryLoop retries, TaskReporter reporter) {
        this.templater = templater;
        this.expressions = expressions;
        this.taskTargets = taskTargets;
        this.retries = retries;
        this.reporter = reporter;
    }

    SingleResult runOnce(PlayContext play, HostRun host, ModuleTask task, TaskScope scope, VariableScope vars,
                         Object item, String label) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Object shownItem = item == null ? null : label != null ? safeRender(label, vars, task.location()) : item;
        try {
            List<Object> when = new ArrayList<>(scope.when());
            when.addAll(task.when());
            if (!when.isEmpty() && !expressions.test(when, vars, task.locationOf("when"))) {
                TaskOutcome o = reporter.outcome(host, task, play, shownItem, TaskOutcome.SKIPPED, false, false, null, started, t0, null);
                reporter.emit(host, o);
                return new SingleResult(Verdict.OK, Map.of("changed", false, "failed", false, "skipped", true));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> args = (Map<String, Object>) templater.render(task.args(), vars, task.locationOf(task.module()));
            Map<String, String> env = environment(scope, task, vars);
            ExecutionTargets.Where where;
            try {
                where = taskTargets.of(host, task, vars);
            } catch (dev.jplay.inventory.InventoryException e) {
                FailureInfo f = TaskReporter.failure(host, task, Step.ARGS, "DELEGATE_INVALID", "delegate_to: " + e.getMessage(), null);
                reporter.emit(host, reporter.outcome(host, task, play, shownItem, TaskOutcome.FAILED, false, false, null, started, t0, f));
                return new SingleResult(Verdict.FAILED, Map.of("changed", false, "failed", true, "msg", f.cause()));
            }
            FailureInfo refused;
            try {
                where = taskTargets.loggedIn(play, task, where, vars);
                refused = TaskTargets.needsRoot(host, task, where);
            } catch (IllegalArgumentException e) {
                refused = TaskReporter.failure(host, task, Step.BECOME, "BECOME_INVALID", e.getMessage(), null);
            }
            if (refused != null) {
                reporter.emit(host, reporter.outcome(host, task, play, shownItem, TaskOutcome.FAILED, false, false, null, started, t0, refused));
                return new SingleResult(Verdict.FAILED, Map.of("changed", false, "failed", true, "msg", refused.cause()));
            }
            if (play.replicas() != null && where.shownAs() == null) { // the instance's container: NAME, or NAME.rN
                args = play.replicas().containers().rewrite(host.name, task.module(), args);
            }
            TaskResult result = retries.run(play, host, task, args, env, vars, where);
            if (result == null) { // unreachable: already reported
                return new SingleResult(Verdict.UNREACHABLE, null);
            }
            boolean failed = result.failed();
            boolean changed = result.changed();
            FailureInfo error = failed ? TaskReporter.failure(host, task, result.located(task.module())) : null;
            boolean ignored = failed && (task.ignoreErrors() || scope.ignoreErrors());
            TaskOutcome o = reporter.outcome(host, task, play, shownItem, failed ? TaskOutcome.FAILED : changed ? TaskOutcome.CHANGED : TaskOutcome.OK,
                    changed, ignored, result, started, t0, error);
            if ("container".equals(task.module()) && args.get("name") instanceof String named) { // for RollbackPlanner
                // the container the result is about: a start-first replacement's new one (NAME.rN), else the one named
                String c = !failed && result.output().get("container") instanceof Map<?, ?> m && m.get("name") instanceof String n ? n : named;
                o = o.withContainer(c);
                if (where.shownAs() == null) host.ranContainerTaskThrough(where.target());
            }
            reporter.emit(host, o.withDelegate(where.shownAs()));
            reporter.emitWarnings(host, result);
            return new SingleResult(failed && !ignored ? Verdict.FAILED : Verdict.OK, result.registered());
        } catch (PlaybookException e) {
            boolean ignored = task.ignoreErrors() || scope.ignoreErrors();
            Step step = e instanceof TemplateException ? Step.TEMPLATE : Step.CONDITION;
            FailureInfo f = TaskReporter.failure(host, task, step, step.name(), e.getMessage(), null);
            TaskOutcome o = reporter.outcome(host, task, play, shownItem, TaskOutcome.FAILED, false, ignored, null, started, t0, f);
            reporter.emit(host, o);
            Map<String, Object> reg = new LinkedHashMap<>();
            reg.put("failed", true);
            reg.put("changed", false);
            reg.put("msg", e.getMessage());
            return new SingleResult(ignored ? Verdict.OK : Verdict.FAILED, reg);
        }
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

    private Object safeRender(String label, Map<String, Object> vars, Location where) {
        try {
            return templater.render(label, vars, where);
        } catch (PlaybookException e) {
            return label;
        }
    }
}
