package dev.jplay.engine.run;

import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.Task;
import java.util.List;

/** Runs a play's handlers at the end of a batch: each handler on the active hosts that notified it (by name or topic). */
final class HandlerRunner {
    private final TaskFanOut fanOut;
    private final RunListener listener;

    HandlerRunner(TaskFanOut fanOut, RunListener listener) {
        this.fanOut = fanOut;
        this.listener = listener;
    }

    void runHandlers(PlayContext ctx, List<HostRun> batch) {
        for (Task handler : ctx.play().handlers()) {
            if (!(handler instanceof ModuleTask t)) continue;
            List<HostRun> notified = batch.stream().filter(HostRun::active)
                    .filter(h -> (t.name() != null && h.notified(t.name())) || t.listen().stream().anyMatch(h::notified))
                    .toList();
            if (notified.isEmpty()) continue;
            listener.taskStarted(ctx.name(), t.displayName(), t.location().toString(), true);
            fanOut.runOnHosts(ctx, notified, t, TaskScope.root(List.of()));
        }
        batch.forEach(HostRun::clearNotified);
    }
}
