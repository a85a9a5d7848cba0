package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.fleet.AppPlan;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.ippool.Cidr;
import dev.jplay.engine.ippool.IpAddress;
import dev.jplay.engine.playbook.BecomeKeywords;
import dev.jplay.engine.playbook.Block;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.playbook.ServiceSpec;
import dev.jplay.engine.playbook.Task;
import dev.jplay.engine.playbook.UpdatePolicy;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A play's {@code service:} while the play runs: the host module {@code fleet_service} applied on EVERY host of the
 * play (not only the batch's) with the {@link ServiceBackends} of the moment (with {@code traffic_policy: local}, each
 * host its own serving instances, or all of them while it has none: {@link ServiceBackends#forHost}), as an implicit task
 * {@code service NAME (jplay)} (tagged always, run as the play's first task runs: its become and login user). It is
 * applied when the play starts, whenever the backends changed at the next task of the play or batch boundary, and at
 * once around a container task that changes an instance: the instance leaves every host's service before its container
 * is stopped (then {@code update.drain} seconds pass) and joins once the task succeeded. A service the fleet state
 * records but the play no longer declares (or declares {@code state: absent}) is deleted on every host.
 */
final class ServicePlay {
    static final String MODULE = "fleet_service";
    private static final int MAX_PARALLEL_HOSTS = 50;
    private static final Set<String> RUNNING_STATES = Set.of("started", "restarted", "rolled_back");

    private final PlayContext ctx;
    private final TaskExecutor executor;
    private final List<HostRun> hosts;
    private final ServiceSpec spec;
    private final FleetState.Service stale;
    private final ServiceBackends backends;
    private final UpdatePolicy update;
    private final RunListener listener;
    private final ModuleTask like;
    private final Object syncLock = new Object();
    private long applied = Long.MIN_VALUE;
    private final ReplicaLayers replicas;
    /** host and update policy → its start-first replacements in flight, at most {@code max_surge} at once. */
    private final Map<SurgeKey, Semaphore> surgeSlots = new ConcurrentHashMap<>();

    private record SurgeKey(String host, UpdatePolicy policy) {}

    private ServicePlay(PlayContext ctx, TaskExecutor executor, List<HostRun> hosts, ServiceSpec spec, FleetState.Service stale,
                        ServiceBackends backends, RunListener listener, ReplicaLayers replicas) {
        this.replicas = replicas;
        this.ctx = ctx;
        this.executor = executor;
        this.hosts = List.copyOf(hosts);
        this.spec = spec;
        this.stale = stale;
        this.backends = backends;
        this.update = ctx.play().update();
        this.listener = listener;
        this.like = firstModuleTask(ctx.play().tasks());
    }

    /** The play's service, or null when it neither declares one nor must delete one it had. */
    static ServicePlay of(PlayContext ctx, ReplicaLayers replicas, TaskExecutor executor, List<HostRun> hosts, RunListener listener) {
        if (replicas == null) return null;
        AppPlan plan = replicas.plan();
        ServiceSpec spec = ctx.play().service();
        FleetState.Service before = plan.previous() == null ? null : plan.previous().service();
        FleetState.Service stale = before != null && (spec == null || spec.absent() || !before.name().equals(spec.name())) ? before : null;
        if (spec == null && stale == null) return null;
        ServiceBackends backends = new ServiceBackends(plan.next(), plan.previous(),
                hosts.stream().filter(h -> !h.unreachable()).map(h -> h.name).toList());
        return new ServicePlay(ctx, executor, hosts, spec, stale, backends, listener, replicas);
    }

    private boolean serves() {
        return spec != null && !spec.absent();
    }

    /** Before the play's first task: deletes a stale service, applies (or deletes) the declared one on every host. */
    void start() {
        if (stale != null) runOnAll(absentTask(stale.name()));
        if (spec == null) return;
        if (spec.absent()) {
            if (stale == null || !stale.name().equals(spec.name())) runOnAll(absentTask(spec.name()));
            return;
        }
        sync(true);
    }

    /** At a task or batch boundary: applies the backends again if they changed since the last sync. */
    void syncIfChanged() {
        if (serves()) sync(false);
    }

    /** The update policy of a container task: its own {@code update:}, else the play's (Swarm's update_config on a service). */
    UpdatePolicy policyOf(ModuleTask task) {
        return task.update() != null ? task.update() : update;
    }

    /** The order changed instances are replaced in ({@code update.order}; start-first by default with a service, see UpdatePolicy). */
    UpdatePolicy.Order order(UpdatePolicy policy) {
        return policy.effectiveOrder(serves());
    }

    /** Whether a container call on {@code host} with {@code args} manages one of this play's instances. */
    boolean manages(String host, String module, Map<String, Object> args) {
        return serves() && "container".equals(module) && args.get("name") instanceof String name
                && backends.isInstance(host, instanceOf(host, name));
    }

    /** The instance a container of {@code host} runs. */
    private String instanceOf(String host, String container) {
        return replicas.containers().instanceOf(host, container);
    }

    /** Whether the instance {@code container} runs on {@code host} is a backend now. */
    boolean isServing(String host, String container) {
        return backends.isServing(instanceOf(host, container));
    }

    /**
     * start-first ({@code update.order}): replaces the instance {@code args} name with a new container beside the old one,
     * on a spare address of its subnet (at most {@code max_surge} at once per host): once the new one passed its health
     * gate it joins every host's service, the old one leaves, {@code drain} passes, and the old container is removed (its
     * address returns to the pool; the fleet state records the new address and container). A new container that fails
     * is removed and the old one keeps serving. Returns the new container's result, or null when the instance has no
     * address of its own to replace it beside (then it is replaced stop-first).
     */
    AgentResult replaceStartFirst(String host, AgentSession session, Map<String, Object> args, UpdatePolicy policy,
            boolean diff, Duration timeout, Map<String, String> env) throws InterruptedException, ExecutionException {
        String oldContainer = (String) args.get("name");
        String instance = instanceOf(host, oldContainer);
        String oldIp = backends.ipOf(instance);
        SurgeAddresses spare = replicas.surge();
        FleetState.Instance current = currentInstance(instance);
        if (spare == null || current == null || oldIp == null || !(args.get("network") instanceof Map<?, ?> network)
                || !oldIp.equals(String.valueOf(network.get("ip"))) || current.prefixLen() == null) {
            return null;
        }
        Semaphore slots = surgeSlots.computeIfAbsent(new SurgeKey(host, policy), k -> new Semaphore(policy.surgeFor(backends.countOn(host))));
        slots.acquire();
        try {
            Cidr subnet = subnetOf(oldIp, current.prefixLen());
            String newIp = spare.take(subnet, current.gateway());
            if (newIp == null) {
                listener.warning(host + ": no spare address in " + subnet + " to start " + instance + " beside its old container: replaced stop-first");
                return null;
            }
            int revision = (current.revision() == null ? 0 : current.revision()) + 1;
            String newContainer = FleetState.Instance.containerName(instance, revision);
            // The instance's address, wherever the task wrote it (its healthcheck above all: it must probe the new
            // container, not the old one that still answers), is the new one; as the next run's jplay_instances say.
            @SuppressWarnings("unchecked")
            Map<String, Object> newArgs = (Map<String, Object>) withAddress(args, oldIp, newIp);
            newArgs.put("name", newContainer);
            newArgs.put("replaces", oldContainer); // the host keeps the old revision as the new one's to roll back to
            AgentResult started = session.call("container", newArgs, false, diff, timeout, env).get();
            if (started.failed()) { // the old one keeps serving; the half-started new one goes, with its address
                session.call("container", Map.of("name", newContainer, "state", "absent"), false, false, timeout, null).get();
                spare.giveBack(newIp);
                return oldKept(started);
            }
            replicas.containers().replacedBy(current.replaced(newIp, revision));
            backends.moved(instance, newIp); // in at its new address, out at its old one: one sync
            sync(false);
            drain(policy);
            AgentResult removed = session.call("container", Map.of("name", oldContainer, "state", "absent"), false, false,
                    timeout, null).get();
            if (removed.failed()) listener.warning(host + ": the old container " + oldContainer + " of " + instance + " was not removed: " + removed.msg());
            return started;
        } finally {
            slots.release();
        }
    }

    /**
     * A failed start-first replacement as the run reports it: the new container's failure (its health gate's says
     * {@code recreated}) did not replace the old container, which runs on, so there is nothing to roll back.
     */
    static AgentResult oldKept(AgentResult failed) {
        Failure f = failed.error();
        if (f == null || f.detail() == null || !f.detail().containsKey("recreated")) return failed;
        Map<String, Object> detail = new LinkedHashMap<>(f.detail());
        detail.put("recreated", false);
        return new AgentResult(failed.type(), failed.id(), failed.status(), failed.changed(), failed.rc(), failed.stdout(), failed.stderr(),
                failed.msg(), failed.diff(), failed.data(), f.withDetail(detail), failed.durationMs());
    }

    /** {@code value} with every whole occurrence of the address {@code from} in its strings replaced by {@code to}. */
    static Object withAddress(Object value, String from, String to) {
        if (value instanceof String text) {
            return text.replaceAll("(?<![0-9.])" + Pattern.quote(from) + "(?![0-9])", Matcher.quoteReplacement(to));
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), withAddress(v, from, to)));
            return out;
        }
        if (value instanceof List<?> l) return l.stream().map(v -> withAddress(v, from, to)).toList();
        return value;
    }

    /** The instance as the fleet state will record it: the plan's, or this run's replacement. */
    private FleetState.Instance currentInstance(String instance) {
        FleetState.Instance replaced = replicas.containers().replacements().get(instance);
        if (replaced != null) return replaced;
        return replicas.plan().next().byName().get(instance);
    }

    private static Cidr subnetOf(String ip, int prefixLen) {
        BigInteger value = IpAddress.parse(ip).value();
        BigInteger mask = BigInteger.ONE.shiftLeft(32 - prefixLen).subtract(BigInteger.ONE).not();
        return Cidr.parse(new IpAddress(value.and(mask), 32) + "/" + prefixLen);
    }

    /** The instance's container is about to be stopped or replaced: out of every host's service first, then the drain wait. */
    void beforeStop(String host, String container, UpdatePolicy policy) throws InterruptedException {
        String instance = instanceOf(host, container);
        backends.notServing(host, instance);
        sync(false);
        drain(policy);
    }

    /** Waits {@code drain} seconds of {@code policy}, for connections an old backend still serves to finish. */
    private static void drain(UpdatePolicy policy) throws InterruptedException {
        if (policy.drainSeconds() > 0) Thread.sleep((long) (policy.drainSeconds() * 1000));
    }

    /** A container call on an instance ended: it serves (at once, in every host's service) when it runs and passed its gate. */
    void containerDone(String host, Map<String, Object> args, boolean failed) {
        String name = instanceOf(host, (String) args.get("name"));
        String state = args.get("state") == null ? "started" : String.valueOf(args.get("state"));
        if (!failed && RUNNING_STATES.contains(state)) backends.serving(host, name);
        else backends.notServing(host, name);
        sync(false);
    }

    /**
     * Rollbacks keep the service's order too. A container that replaced another start-first is rolled back start-first:
     * the old revision starts beside it under its own name and address, passes its health gate, joins every host's
     * service while the new one leaves, {@code drain} passes, and the new one is removed; a restore that fails is
     * removed and the new one keeps serving. A container restored in place leaves every host's service first (then the
     * drain wait) and joins once the restored one runs and passed its health gate.
     */
    RollbackCalls.Around aroundRollback() {
        return new RollbackCalls.Around() {
            @Override
            public boolean inService(String host, String container) {
                return serves() && backends.isInstance(host, instanceOf(host, container));
            }

            @Override
            public void restoredBeside(String host, String container, String restored, String ip) throws InterruptedException {
                if (!inService(host, container)) return;
                restoredAs(host, instanceOf(host, container), restored, ip);
                drain(update);
            }

            @Override
            public void before(String host, String container) throws InterruptedException {
                if (serves() && backends.isInstance(host, instanceOf(host, container)) && isServing(host, container)) {
                    beforeStop(host, container, update);
                }
            }

            @Override
            public void after(String host, String container, boolean failed) {
                if (serves() && backends.isInstance(host, instanceOf(host, container))) {
                    containerDone(host, Map.of("name", container, "state", "rolled_back"), failed);
                }
            }
        };
    }

    /**
     * The instance's previous revision runs again in {@code restored} at {@code ip} (a start-first rollback): the fleet
     * state records that container and address, and the instance serves there from one sync that also drops the
     * address of the container it replaces.
     */
    private void restoredAs(String host, String instance, String restored, String ip) {
        FleetState.Instance current = currentInstance(instance);
        if (current != null && ip != null) {
            replicas.containers().replacedBy(current.replaced(ip, FleetState.Instance.revisionOf(restored)));
            backends.moved(instance, ip);
        }
        backends.serving(host, instance);
        sync(false);
    }

    /** A host was found unreachable: its instances leave every other host's service at the next sync. */
    void hostLost(String host) {
        backends.hostLost(host);
    }

    private void sync(boolean force) {
        synchronized (syncLock) { // concurrent requests coalesce: a waiter finds its change already applied
            long v = backends.version();
            if (!force && v == applied) return;
            runOnAll(h -> presentTask(h.name));
            applied = v;
        }
    }

    private void runOnAll(ModuleTask task) {
        runOnAll(h -> task);
    }

    /**
     * Runs each host's task on each host of the play that is still reachable, all at once; a host that fails it fails
     * the play. The tasks differ only in their arguments (a local service's backends are the host's own).
     */
    private void runOnAll(Function<HostRun, ModuleTask> taskOf) {
        List<HostRun> targets = hosts.stream().filter(h -> !h.unreachable()).toList();
        if (targets.isEmpty()) return;
        ModuleTask task = taskOf.apply(targets.get(0));
        listener.taskStarted(ctx.name(), task.displayName(), task.location().toString(), false);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(targets.size(), MAX_PARALLEL_HOSTS), r -> {
            Thread t = new Thread(r, "jplay-service");
            t.setDaemon(true);
            return t;
        });
        try {
            TaskScope scope = TaskScope.root(List.of());
            List<Future<TaskExecutor.Verdict>> verdicts = new ArrayList<>();
            for (HostRun h : targets) {
                ModuleTask hostTask = taskOf.apply(h);
                verdicts.add(pool.submit(() -> executor.run(ctx, h, hostTask, scope)));
            }
            for (int i = 0; i < targets.size(); i++) {
                TaskExecutor.Verdict v;
                try {
                    v = verdicts.get(i).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RunInterruptedException();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException("service sync failed unexpectedly", e.getCause());
                }
                if (v == TaskExecutor.Verdict.FAILED) targets.get(i).failInPlay();
                if (v == TaskExecutor.Verdict.UNREACHABLE) hostLost(targets.get(i).name);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The service as {@code host} serves it now: every serving instance, or with {@code traffic_policy: local} the
     * host's own. A local host with none serving falls back to every instance (cluster, masqueraded): jplay has no load
     * balancer that would stop sending it clients (Kubernetes' Local drops them and relies on the load balancer's health
     * check), so refusing them would fail requests the rest of the fleet can answer.
     */
    private ModuleTask presentTask(String host) {
        return task(spec.name(), presentArgs(FleetState.Service.of(spec), backends.forHost(host, spec.local())));
    }

    /** The {@value #MODULE} arguments that make a host serve {@code service} over {@code served}. */
    static Map<String, Object> presentArgs(FleetState.Service service, ServiceBackends.HostBackends served) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", service.name());
        args.put("port", service.port());
        args.put("target_port", service.targetPort());
        args.put("protocol", service.protocol());
        args.put("backends", served.ips());
        if (served.local()) args.put("traffic_policy", ServiceSpec.LOCAL);
        args.put("state", "present");
        return args;
    }

    private ModuleTask absentTask(String name) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", name);
        args.put("state", "absent");
        return task(name, args);
    }

    static String taskName(String service) {
        return "service " + service + " (jplay)";
    }

    private ModuleTask task(String service, Map<String, Object> args) {
        Play play = ctx.play();
        return new ModuleTask(taskName(service), MODULE, args, List.of(), null, null, List.of(), false, null, null,
                List.of("always"), null, Map.of(), null, like == null ? null : like.remoteUser(), Map.of(), null, false,
                like == null ? null : like.connection(), false, like == null ? BecomeKeywords.NONE : like.become(), List.of(),
                spec != null ? spec.location() : play.location(), Map.of());
    }

    /** The play's first module task: the service runs as it does (become, login user, connection). */
    private static ModuleTask firstModuleTask(List<Task> tasks) {
        for (Task t : tasks) {
            if (dev.jplay.engine.playbook.FactGathering.isGathering(t)) continue; // runs as the play, not as its tasks
            if (t instanceof ModuleTask m && !m.module().equals("pool_routes")) return m;
            if (t instanceof Block b) {
                ModuleTask inner = firstModuleTask(b.block());
                if (inner != null) return inner;
            }
        }
        return null;
    }
}
