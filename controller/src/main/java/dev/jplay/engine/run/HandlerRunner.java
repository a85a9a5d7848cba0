package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Block;
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
        runHandlers(ctx, batch, ctx.handlers(), TaskScope.root(List.of()));
        batch.forEach(HostRun::clearNotified);
    }

    /** Handlers in order; a role's handlers (a block holding them) run with the role's variables and directory. */
    private void runHandlers(PlayContext ctx, List<HostRun> batch, List<Task> handlers, TaskScope scope) {
        for (Task handler : handlers) {
            if (handler instanceof Block b) {
                runHandlers(ctx, batch, b.block(), b.role() != null ? scope.enterRole(b.role()) : scope);
                continue;
            }
            if (!(handler instanceof ModuleTask t)) continue;
            String qualified = scope.role() != null && t.name() != null ? scope.role().name() + " : " + t.name() : null;
            List<HostRun> notified = batch.stream().filter(HostRun::active)
                    .filter(h -> (t.name() != null && h.notified(t.name())) || (qualified != null && h.notified(qualified))
                            || t.listen().stream().anyMatch(h::notified))
                    .toList();
            if (notified.isEmpty()) continue;
            String title = qualified != null ? qualified : t.displayName();
            listener.taskStarted(ctx.name(), title, t.location().toString(), true);
            // Its results carry the same title ("role : name", as Ansible's), in the report as on the terminal.
            fanOut.runOnHosts(ctx, notified, qualified != null ? t.withName(qualified) : t, scope);
        }
    }
}
