package dev.jplay.engine.run;

import dev.jplay.engine.run.TaskExecutor.Verdict;
import dev.jplay.engine.playbook.Loop;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.protocol.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task with a {@code loop}: the items rendered, each run with its {@code item} (and index) var, one after the other or
 * {@link ParallelItems}; the registered result holds every item's ({@code results}), changed or failed if any was.
 */
final class ItemLoop {
    private final Templater templater;
    private final TaskAttempt attempt;
    private final ParallelItems parallel;
    private final TaskReporter reporter;

    ItemLoop(Templater templater, TaskAttempt attempt, ParallelItems parallel, TaskReporter reporter) {
        this.templater = templater;
        this.attempt = attempt;
        this.parallel = parallel;
        this.reporter = reporter;
    }

    Verdict run(PlayContext play, HostRun host, ModuleTask task, TaskScope scope, List<HostRun> alsoFor,
                             VariableScope vars, Loop loop) {
        List<?> items;
        try {
            Object rendered = loop.items() instanceof String str ? templater.render(str, vars, loop.location()) : templater.render(loop.items(), vars, loop.location());
            if (!(rendered instanceof List<?> l)) {
                throw new PlaybookException(loop.location(), "loop must be a list, got " + TaskExecutor.describe(rendered));
            }
            items = l;
        } catch (PlaybookException e) {
            return reporter.report(host, task, play, null, TaskReporter.failure(host, task, Step.TEMPLATE, "TEMPLATE", e.getMessage(), null), Instant.now(), 0);
        }
        // Ansible counts a looped task once per host, but each item of a looped include (one "included" per item).
        if (COUNTED_PER_ITEM.contains(task.module())) return runItems(play, host, task, scope, alsoFor, vars, loop, items);
        host.startLoop();
        try {
            return runItems(play, host, task, scope, alsoFor, vars, loop, items);
        } finally {
            host.endLoop();
        }
    }

    private static final java.util.Set<String> COUNTED_PER_ITEM = java.util.Set.of("include_tasks", "include_role");

    private Verdict runItems(PlayContext play, HostRun host, ModuleTask task, TaskScope scope, List<HostRun> alsoFor,
                             VariableScope vars, Loop loop, List<?> items) {
        List<Object> results = new ArrayList<>();
        boolean anyChanged = false;
        boolean anyFailed = false;
        Verdict verdict = Verdict.OK;
        List<SingleResult> singles = loop.parallel() > 1 && items.size() > 1
                ? parallel.runConcurrently(play, host, task, scope, vars, loop, items)
                : null;
        for (int i = 0; i < items.size(); i++) {
            SingleResult s;
            if (singles != null) {
                s = singles.get(i);
            } else {
                s = attempt.runOnce(play, host, task, scope, itemVars(vars, loop, items, i), items.get(i), loop.label());
            }
            if (s.verdict() == Verdict.UNREACHABLE) return Verdict.UNREACHABLE; // no result to register (was an NPE)
            results.add(s.registered());
            anyChanged |= Boolean.TRUE.equals(s.registered().get("changed"));
            anyFailed |= Boolean.TRUE.equals(s.registered().get("failed"));
            if (s.verdict() == Verdict.FAILED) verdict = Verdict.FAILED;
        }
        Map<String, Object> registered = new LinkedHashMap<>();
        registered.put("changed", anyChanged);
        registered.put("failed", anyFailed);
        registered.put("results", results);
        registered.put("skipped", false);
        TaskRegistration.finish(host, alsoFor, task, registered);
        return verdict;
    }

    static VariableScope itemVars(VariableScope vars, Loop loop, List<?> items, int i) {
        VariableScope itemVars = vars.with(Layer.TASK_VARS, loop.loopVar(), items.get(i));
        return loop.indexVar() != null ? itemVars.with(Layer.TASK_VARS, loop.indexVar(), i) : itemVars;
    }
}
