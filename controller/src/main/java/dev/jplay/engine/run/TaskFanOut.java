package dev.jplay.engine.run;

import dev.jplay.engine.run.TaskExecutor.Verdict;
import dev.jplay.engine.playbook.ModuleTask;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task on a list of hosts: on each (at once, up to forks), or with {@code run_once} on the first only, its
 * result applying to all of them.
 */
final class TaskFanOut {
    private final TaskExecutor executor;
    private final Forks forks;

    TaskFanOut(TaskExecutor executor, Forks forks) {
        this.executor = executor;
        this.forks = forks;
    }

    /**
     * Runs a task on each host (at once, up to forks), or with {@code run_once} on the first only, its result
     * applying to all of them; a run_once failure fails them all, as in Ansible. Returns how many hosts failed.
     */
    int runOnHosts(PlayContext ctx, List<HostRun> hosts, ModuleTask t, TaskScope scope) {
        AtomicInteger failures = new AtomicInteger();
        if (t.runOnce()) {
            HostRun first = hosts.get(0);
            List<HostRun> rest = hosts.subList(1, hosts.size());
            Verdict v = executor.run(ctx, first, t, scope, rest);
            if (v == Verdict.OK) return 0;
            if (v == Verdict.FAILED) first.failInPlay();
            for (HostRun h : rest) {
                executor.failedWithRunOnce(ctx, h, t, first.name, v);
                h.failInPlay();
            }
            return hosts.size();
        }
        forks.forEachHost(hosts, h -> {
            Verdict v = executor.run(ctx, h, t, scope);
            if (v == Verdict.FAILED) {
                h.failInPlay();
                failures.incrementAndGet();
            }
        });
        return failures.get();
    }
}
