package dev.jplay.engine.run;

import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.playbook.ServiceSpec;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.TaskOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The fleet services a past run's rollback ({@code jplay rollback RUN}) keeps in step, as a play's {@link ServicePlay}
 * does: for each app the fleet state records with a service, its instances serve as the state says; an instance whose
 * container is restored in place leaves every host's service first ({@code drain} passes) and joins once restored; one
 * whose container had replaced another start-first gets that one back beside it, which joins while it leaves
 * ({@code drain}), and then goes. The services are applied on the hosts the past run applied them on (its
 * {@code service NAME (jplay)} results) and those of the app's instances; the fleet state records where each instance
 * runs after the rollback.
 */
final class RollbackServices implements RollbackCalls.Around {
    private static final int MAX_PARALLEL_HOSTS = 50;

    /** One app's service while the rollback runs. */
    private final class App {
        final FleetState state;
        final ServiceBackends backends;
        final InstanceContainers containers;
        final List<HostTarget> hosts;
        final Object syncLock = new Object();
        long applied;

        App(FleetState state, List<HostTarget> hosts) {
            this.state = state;
            this.hosts = hosts;
            this.backends = new ServiceBackends(state, state, hosts.stream().map(HostTarget::name).toList());
            this.containers = new InstanceContainers(state, state);
            this.applied = backends.version();
        }

        String instanceOf(String host, String container) {
            return containers.instanceOf(host, container);
        }

        boolean has(String host, String container) {
            return backends.isInstance(host, instanceOf(host, container));
        }

        void sync() {
            synchronized (syncLock) {
                long v = backends.version();
                if (v == applied) return;
                FleetState.Service s = state.service();
                boolean local = ServiceSpec.LOCAL.equals(s.trafficPolicy());
                outcomes.addAll(runOnAll(ServicePlay.taskName(s.name()),
                        h -> ServicePlay.presentArgs(s, backends.forHost(h.name(), local)), hosts));
                applied = v;
            }
        }
    }

    private final Connections connections;
    private final RunListener listener;
    private final String play;
    private final String location;
    private final double drainSeconds;
    private final List<App> apps = new ArrayList<>();
    private final List<TaskOutcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * @param pastResults the results of the run rolled back
     * @param targetOf how to reach a host (null: not in the inventory, then it is left out)
     */
    RollbackServices(FleetStateStore store, List<TaskOutcome> pastResults, Function<String, HostTarget> targetOf, double drainSeconds,
                     Connections connections, RunListener listener, String play, String location) {
        this.connections = connections;
        this.listener = listener;
        this.play = play;
        this.location = location;
        this.drainSeconds = drainSeconds;
        for (FleetState state : store.loadAll().values()) {
            if (state.service() == null) continue;
            Set<String> names = new LinkedHashSet<>();
            String task = ServicePlay.taskName(state.service().name());
            for (TaskOutcome o : pastResults) if (task.equals(o.task())) names.add(o.host());
            for (FleetState.Instance i : state.instances()) names.add(i.host());
            List<HostTarget> hosts = new ArrayList<>();
            for (String n : names) {
                HostTarget t = targetOf.apply(n);
                if (t != null) hosts.add(t);
            }
            if (!hosts.isEmpty()) apps.add(new App(state, hosts));
        }
    }

    private App appOf(String host, String container) {
        for (App a : apps) if (a.has(host, container)) return a;
        return null;
    }

    @Override
    public boolean inService(String host, String container) {
        return appOf(host, container) != null;
    }

    @Override
    public void before(String host, String container) throws InterruptedException {
        App a = appOf(host, container);
        if (a == null) return;
        a.backends.notServing(host, a.instanceOf(host, container));
        a.sync();
        drain();
    }

    @Override
    public void after(String host, String container, boolean failed) {
        App a = appOf(host, container);
        if (a == null) return;
        if (failed) a.backends.notServing(host, a.instanceOf(host, container));
        else a.backends.serving(host, a.instanceOf(host, container));
        a.sync();
    }

    @Override
    public void restoredBeside(String host, String container, String restored, String ip) throws InterruptedException {
        App a = appOf(host, container);
        if (a == null) return;
        String instance = a.instanceOf(host, container);
        FleetState.Instance now = a.state.byName().get(instance);
        if (now != null && ip != null) {
            a.containers.replacedBy(now.replaced(ip, FleetState.Instance.revisionOf(restored)));
            a.backends.moved(instance, ip);
        }
        a.backends.serving(host, instance);
        a.sync();
        drain();
    }

    /** The fleet state of each app as the rollback left it (instances back in the containers and at the addresses restored). */
    List<FleetState> states() {
        List<FleetState> out = new ArrayList<>();
        for (App a : apps) if (!a.containers.replacements().isEmpty()) out.add(a.state.withReplaced(a.containers.replacements()));
        return out;
    }

    /** The services' own results (task {@code service NAME (jplay)}), already given to the listener. */
    List<TaskOutcome> outcomes() {
        return List.copyOf(outcomes);
    }

    private void drain() throws InterruptedException {
        if (drainSeconds > 0) Thread.sleep((long) (drainSeconds * 1000));
    }

    private List<TaskOutcome> runOnAll(String task, Function<HostTarget, Map<String, Object>> argsOf, List<HostTarget> hosts) {
        listener.taskStarted(play, task, location, false);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(hosts.size(), MAX_PARALLEL_HOSTS), r -> {
            Thread t = new Thread(r, "jplay-service");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<TaskOutcome>> results = new ArrayList<>();
            for (HostTarget h : hosts) results.add(pool.submit(() -> apply(task, argsOf.apply(h), h)));
            List<TaskOutcome> out = new ArrayList<>();
            for (Future<TaskOutcome> f : results) {
                try {
                    TaskOutcome o = f.get();
                    listener.hostResult(o);
                    out.add(o);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RunInterruptedException();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException("service sync failed unexpectedly", e.getCause());
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private TaskOutcome apply(String task, Map<String, Object> args, HostTarget target) throws InterruptedException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        AgentResult r;
        try {
            r = connections.session(target).call(ServicePlay.MODULE, args, false, false, null, null).get();
        } catch (ConnectionException e) {
            return unreachable(task, target, e, started, t0);
        } catch (ExecutionException e) {
            return unreachable(task, target, Connections.unwrap(e.getCause()), started, t0);
        }
        FailureInfo error = null;
        if (r.failed()) {
            Failure f = r.error() != null ? r.error() : new Failure(Step.NETWORK, "MODULE_FAILED", "service sync failed");
            error = FailureInfo.of(target.name(), task, location, r.msg() != null ? f.withMessage(r.msg()) : f);
        }
        String status = r.failed() ? TaskOutcome.FAILED : r.changed() ? TaskOutcome.CHANGED : TaskOutcome.OK;
        return new TaskOutcome(target.name(), play, task, ServicePlay.MODULE, location, status, r.changed(), false, null, null, null, null,
                r.msg(), null, started.toString(), (System.nanoTime() - t0) / 1_000_000, error);
    }

    private TaskOutcome unreachable(String task, HostTarget target, ConnectionException e, Instant started, long t0) {
        FailureInfo f = FailureInfo.of(target.name(), task, location, e.failure().withDetail(null));
        return new TaskOutcome(target.name(), play, task, ServicePlay.MODULE, location, TaskOutcome.UNREACHABLE, false, false, null, null,
                null, null, e.getMessage(), null, started.toString(), (System.nanoTime() - t0) / 1_000_000, f);
    }
}
