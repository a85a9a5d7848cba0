package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Block;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a list of tasks on a batch's hosts, task by task: module tasks (selected by tags) on every host still active,
 * blocks with their {@code rescue} (for the hosts that failed) and {@code always} (for every reachable host).
 * {@code any_errors_fatal} ends the batch's play at the first failure.
 */
final class BlockRunner {
    private final TaskFanOut fanOut;
    private final TagFilter tags;
    private final StopSignal stop;
    private final RunListener listener;
    private final HandlerRunner handlers;
    private final IncludeRunner includes;

    BlockRunner(TaskFanOut fanOut, TagFilter tags, StopSignal stop, RunListener listener, HandlerRunner handlers,
                IncludeRunner includes) {
        this.fanOut = fanOut;
        this.tags = tags;
        this.stop = stop;
        this.listener = listener;
        this.handlers = handlers;
        this.includes = includes;
    }

    /** @param announce whether each task's start is reported (linear: once for the batch; free: not per host) */
    void runTasks(PlayContext ctx, List<HostRun> batch, List<Task> tasks, TaskScope scope, BatchState state, boolean announce) {
        for (Task task : tasks) {
            if (stop.stopped()) throw new RunInterruptedException();
            if (state.aborted()) return;
            List<HostRun> live = batch.stream().filter(HostRun::active).toList();
            if (live.isEmpty()) return;
            if (task instanceof Block b) {
                runBlock(ctx, live, b, scope, state, announce);
            } else if (task instanceof ModuleTask t) {
                if (t.module().equals("meta")) { // flush_handlers (noop does nothing): handlers notified so far run now
                    if ("flush_handlers".equals(String.valueOf(t.args().get(dev.jplay.engine.playbook.PlaybookParser.RAW_PARAMS)).strip())) {
                        handlers.runHandlers(ctx, live);
                    }
                    continue;
                }
                if (!tags.selectedByTags(scope, t.tags())) continue;
                if (announce) listener.taskStarted(ctx.name(), t.displayName(), t.location().toString(), false);
                int failures = fanOut.runOnHosts(ctx, live, t, scope);
                if (failures > 0 && ctx.play().anyErrorsFatal()) {
                    listener.warning("any_errors_fatal: '" + t.displayName() + "' failed: ending the play for every host");
                    state.abort();
                    return;
                }
                if (IncludeRunner.isInclude(t)) {
                    includes.runIncluded(ctx, live, t, scope, (hosts, included, inner) -> runTasks(ctx, hosts, included, inner, state, announce));
                }
            }
        }
    }

    private void runBlock(PlayContext ctx, List<HostRun> live, Block b, TaskScope scope, BatchState state, boolean announce) {
        TaskScope inner = scope.enter(b.when(), b.tags(), b.vars(), b.environment(), b.ignoreErrors());
        if (b.role() != null) inner = inner.enterRole(b.role());
        runTasks(ctx, live, b.block(), inner, state, announce);
        List<HostRun> failed = live.stream().filter(h -> h.failedInPlay() && !h.unreachable()).toList();
        if (!b.rescue().isEmpty() && !failed.isEmpty()) {
            for (HostRun h : failed) {
                h.clearFailureInPlay();
                h.countRescue();
                h.facts.put("ansible_failed_task", Map.of("name", b.name() == null ? "" : b.name()));
            }
            runTasks(ctx, failed, b.rescue(), inner, state, announce);
        }
        if (!b.always().isEmpty()) {
            List<HostRun> reachable = live.stream().filter(h -> !h.unreachable()).toList();
            Set<HostRun> wasFailed = new HashSet<>();
            for (HostRun h : reachable) {
                if (h.failedInPlay()) wasFailed.add(h);
                h.clearFailureInPlay();
            }
            runTasks(ctx, reachable, b.always(), inner, state, announce);
            for (HostRun h : wasFailed) h.failInPlay();
        }
    }
}
