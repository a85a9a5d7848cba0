package dev.jplay.engine.run;

import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.playbook.RollbackPolicy;
import dev.jplay.reports.TaskOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The play keyword {@code rollback} ({@link RollbackPolicy}): follows the run's results to learn which containers
 * each host's {@code container} tasks replaced in each play, and when a batch ends with a failed host, rolls them
 * back through {@link RollbackCalls}. The rollback results count in the hosts' recaps like any task's; a host whose
 * rollback fails is failed.
 */
final class RollbackPlanner implements RunListener {
    private final RollbackCalls calls;
    private final RunListener listener;
    private final boolean check;
    /** play → host → containers replaced in this run, in order. */
    private final Map<String, Map<String, Set<String>>> replaced = new LinkedHashMap<>();

    RollbackPlanner(Connections connections, RunOptions options, RunListener listener) {
        this.calls = new RollbackCalls(connections, options.diff(), listener);
        this.listener = listener;
        this.check = options.check();
    }

    @Override
    public synchronized void hostResult(TaskOutcome o) {
        if (check || !ChangedContainers.replaced(o)) return;
        replaced.computeIfAbsent(o.play(), p -> new LinkedHashMap<>()).computeIfAbsent(o.host(), h -> new LinkedHashSet<>()).add(o.container());
    }

    /**
     * Called after a batch in which a host failed. Rolls back per the play's policy: the batch's hosts
     * ({@code batch}) or every host the play changed so far ({@code all}). Returns whether the rollout must stop.
     */
    boolean afterFailedBatch(PlayContext ctx, int batchNo, List<HostRun> batch, Map<String, HostRun> hosts) {
        RollbackPolicy policy = ctx.play().rollback();
        if (policy == RollbackPolicy.NONE || check) return false;
        List<String> candidates = policy == RollbackPolicy.BATCH ? batch.stream().map(h -> h.name).toList() : changedHosts(ctx.name());
        List<RollbackCalls.Work> work = new ArrayList<>();
        for (String name : candidates) {
            List<String> containers = take(ctx.name(), name);
            HostRun host = hosts.get(name);
            if (containers.isEmpty() || host == null) continue;
            if (host.unreachable()) {
                listener.warning(name + ": unreachable: cannot roll back " + String.join(", ", containers));
                continue;
            }
            work.add(new RollbackCalls.Work(host.containerTarget(), containers));
        }
        if (!work.isEmpty()) {
            listener.warning("play '" + ctx.name() + "': batch " + batchNo + " failed: rolling back (rollback: " + policy.id() + ") on "
                    + String.join(", ", work.stream().map(w -> w.target().name()).toList()));
            String location = ctx.play().locationOf("rollback").toString();
            listener.taskStarted(ctx.name(), "rollback", location, false);
            ServicePlay service = ctx.service();
            for (TaskOutcome o : calls.run(ctx.name(), location, work, service == null ? RollbackCalls.Around.NONE : service.aroundRollback())) {
                HostRun host = hosts.get(o.host());
                host.count(o);
                if (TaskOutcome.FAILED.equals(o.status())) host.failInPlay();
                if (TaskOutcome.UNREACHABLE.equals(o.status())) {
                    host.markUnreachable(o.error(), host.containerTarget());
                }
            }
        }
        return policy == RollbackPolicy.ALL;
    }

    private synchronized List<String> changedHosts(String play) {
        return List.copyOf(replaced.getOrDefault(play, Map.of()).keySet());
    }

    /** The containers to roll back on {@code host}, forgotten here so that nothing is rolled back twice. */
    private synchronized List<String> take(String play, String host) {
        Map<String, Set<String>> byHost = replaced.get(play);
        Set<String> names = byHost == null ? null : byHost.remove(host);
        return names == null ? List.of() : List.copyOf(names);
    }
}
