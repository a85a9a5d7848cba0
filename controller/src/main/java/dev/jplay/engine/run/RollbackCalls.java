package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.TaskOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Rolls containers back through the hosts' agents ({@code container: state=rolled_back}), all hosts at once, and
 * reports each container as a result of its own: task {@code rollback: NAME}, module {@code container}.
 */
public final class RollbackCalls {
    public static final String TASK_PREFIX = "rollback: ";
    private static final int MAX_PARALLEL_HOSTS = 50;
    /** In a rollback's data: the container started beside the rolled back one (it had replaced it start-first). */
    static final String RESTORED_AS = "restored_as";

    private final Connections connections;
    private final boolean diff;
    private final RunListener listener;

    public RollbackCalls(Connections connections, boolean diff, RunListener listener) {
        this.connections = connections;
        this.diff = diff;
        this.listener = listener;
    }

    /** One host's work: the containers to roll back there, in order. */
    public record Work(HostTarget target, List<String> containers) {}

    /**
     * Around each container's rollback: a play's service takes the instance out of every host's service before its
     * container is replaced in place and back once it runs again, or, when the container replaced another start-first,
     * swaps the restored one in for it ({@link ServicePlay}); nothing otherwise.
     */
    interface Around {
        Around NONE = new Around() {};

        /** Whether the container is a service's backend: then the rollback asks first whether it restores beside it. */
        default boolean inService(String host, String container) {
            return false;
        }

        default void before(String host, String container) throws InterruptedException {}

        default void after(String host, String container, boolean failed) {}

        /** {@code restored} (at {@code ip}, null without a network) passed its gate beside {@code container}, which goes next. */
        default void restoredBeside(String host, String container, String restored, String ip) throws InterruptedException {}
    }

    /** Runs every host's rollbacks (each host's in order); returns the outcomes, already given to the listener. */
    public List<TaskOutcome> run(String play, String location, List<Work> work) {
        return run(play, location, work, Around.NONE);
    }

    List<TaskOutcome> run(String play, String location, List<Work> work, Around around) {
        if (work.isEmpty()) return List.of();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(work.size(), MAX_PARALLEL_HOSTS), r -> {
            Thread t = new Thread(r, "jplay-rollback");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<TaskOutcome>>> perHost = new ArrayList<>();
            for (Work w : work) perHost.add(pool.submit(() -> rollBackHost(play, location, w, around)));
            List<TaskOutcome> all = new ArrayList<>();
            for (Future<List<TaskOutcome>> f : perHost) {
                try {
                    all.addAll(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RunInterruptedException();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException("rollback failed unexpectedly", e.getCause());
                }
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<TaskOutcome> rollBackHost(String play, String location, Work w, Around around) throws InterruptedException {
        List<TaskOutcome> outcomes = new ArrayList<>();
        for (String name : w.containers()) {
            String host = w.target().name();
            // start-first in reverse keeps the capacity: ask first (check mode) whether the revision comes back beside it
            boolean inPlace = !around.inService(host, name) || !restoresBeside(w.target(), name);
            if (inPlace) around.before(host, name);
            TaskOutcome o = rollBack(play, location, w.target(), name, around);
            if (inPlace) around.after(host, name, !TaskOutcome.OK.equals(o.status()) && !TaskOutcome.CHANGED.equals(o.status()));
            listener.hostResult(o);
            outcomes.add(o);
            if (TaskOutcome.UNREACHABLE.equals(o.status())) break;
        }
        return outcomes;
    }

    /** Whether the container's kept revision is another container it replaced start-first (a check-mode call). */
    private boolean restoresBeside(HostTarget target, String name) {
        try {
            AgentResult preview = connections.session(target).call("container", rolledBack(name), true, false, null, null).get();
            return !preview.failed() && preview.data() != null && preview.data().get(RESTORED_AS) instanceof String;
        } catch (ConnectionException | ExecutionException e) {
            return false; // the rollback call itself reports the host unreachable
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        }
    }

    private static Map<String, Object> rolledBack(String name) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", name);
        args.put("state", "rolled_back");
        return args;
    }

    private TaskOutcome rollBack(String play, String location, HostTarget target, String name, Around around) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        String task = TASK_PREFIX + name;
        AgentResult r;
        String removal = null;
        try {
            AgentSession session = connections.session(target);
            r = session.call("container", rolledBack(name), false, diff, null, null).get();
            if (!r.failed() && r.data() != null && r.data().get(RESTORED_AS) instanceof String restored) {
                // start-first in reverse: the restored container serves, then the one that replaced it goes (also when an
                // interrupted rollback had restored it already: the swap is finished)
                around.restoredBeside(target.name(), name, restored, r.data().get("ip") instanceof String ip ? ip : null);
                AgentResult removed = session.call("container", Map.of("name", name, "state", "absent"), false, false, null, null).get();
                removal = removed.failed() ? "; " + name + " was not removed: " + removed.msg() : "; " + name + " removed";
            }
        } catch (ConnectionException e) {
            return unreachable(play, location, target, task, name, e, started, t0);
        } catch (ExecutionException e) {
            return unreachable(play, location, target, task, name, Connections.unwrap(e.getCause()), started, t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        }
        FailureInfo error = null;
        if (r.failed()) {
            Failure f = r.error() != null ? r.error() : new Failure(Step.ROLLBACK, "MODULE_FAILED", "rollback failed");
            error = FailureInfo.of(target.name(), task, location, r.msg() != null ? f.withMessage(r.msg()) : f);
        }
        String status = r.failed() ? TaskOutcome.FAILED : r.changed() ? TaskOutcome.CHANGED : TaskOutcome.OK;
        String msg = r.msg() != null ? r.msg() : error != null ? error.cause() : null;
        if (removal != null) msg = msg + removal;
        return new TaskOutcome(target.name(), play, task, "container", location, status, r.changed(), false, null, null, null, null,
                msg, r.diff(), started.toString(), millisSince(t0), error).withContainer(name);
    }

    private static TaskOutcome unreachable(String play, String location, HostTarget target, String task, String name, ConnectionException e,
            Instant started, long t0) {
        FailureInfo f = FailureInfo.of(target.name(), task, location, e.failure().withDetail(null));
        return new TaskOutcome(target.name(), play, task, "container", location, TaskOutcome.UNREACHABLE, false, false, null, null, null,
                null, e.getMessage(), null, started.toString(), millisSince(t0), f).withContainer(name);
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
