package dev.jplay.engine.run;

import dev.jplay.engine.fleet.AppPlan;
import dev.jplay.engine.fleet.FleetPlanner;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateException;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.fleet.InstanceVars;
import dev.jplay.engine.fleet.PlacementException;
import dev.jplay.engine.fleet.PlacementHost;
import dev.jplay.engine.fleet.PlacementHosts;
import dev.jplay.engine.fleet.PlanDiff;
import dev.jplay.engine.fleet.PoolRoutes;
import dev.jplay.engine.fleet.ReplicaSpec;
import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPoolException;
import dev.jplay.engine.ippool.IpPools;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import dev.jplay.engine.yaml.PlaybookException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A play's {@code replicas:} turned into per-host variables before any host is touched: the placement and
 * addresses of the app's instances ({@code jplay_instances} on each host, loop over it with
 * {@code loop_var: instance}) and the instances that must go from a host ({@code jplay_removed_instances}:
 * scaled away or moved elsewhere). An exhausted or overlapping pool is an error here, before the play runs.
 * The new placement is saved only when the play ended without a failed or unreachable host, so a re-run
 * plans the same changes again.
 */
final class ReplicaLayers {
    static final String REMOVED = "jplay_removed_instances";

    private final AppPlan plan;
    private final Map<String, Map<String, Object>> layers;
    /** The pool has a block per host: each host gets {@link PoolRoutes#VARIABLE} and the play its routes task. */
    private final boolean routed;
    private final InstanceContainers containers;
    /** Spare addresses for start-first replacements; null without a pool. */
    private SurgeAddresses surge;

    private ReplicaLayers(AppPlan plan, Map<String, Map<String, Object>> layers, boolean routed) {
        this.plan = plan;
        this.layers = layers;
        this.routed = routed;
        this.containers = new InstanceContainers(plan.previous(), plan.next());
    }

    SurgeAddresses surge() {
        return surge;
    }

    /** The container that runs each instance (its name, or NAME.rN after a start-first replacement). */
    InstanceContainers containers() {
        return containers;
    }

    /**
     * What to save as the fleet state when the play ended: the plan (with the start-first replacements of this run)
     * once it ran clean; otherwise the last state with only those replacements, so that the containers they started
     * stay known; null when there is nothing to save.
     */
    FleetState stateToSave(boolean clean, FleetState.Service service) {
        Map<String, FleetState.Instance> replaced = containers.replacements();
        if (clean) return plan.next().withReplaced(replaced).withService(service);
        if (replaced.isEmpty() || plan.previous() == null) return null;
        return plan.previous().withReplaced(replaced);
    }

    static ReplicaLayers plan(Play play, Map<String, Object> playVars, Map<String, Object> extraVars, List<HostRun> hosts,
                              FleetStateStore store, Templater templater) {
        VariableScope scope = VariableScope.empty().with(Layer.PLAY_VARS, playVars).with(Layer.EXTRA_VARS, extraVars);
        try {
            Object rendered = templater.render(play.replicas(), scope, play.locationOf(ReplicaSpec.KEYWORD));
            ReplicaSpec spec = ReplicaSpec.fromPlayMap(Map.of(ReplicaSpec.KEYWORD, rendered)).orElseThrow();
            List<PlacementHost> placementHosts = new ArrayList<>(hosts.size());
            for (HostRun h : hosts) placementHosts.add(PlacementHosts.fromVars(h.name, h.inventoryVars));
            IpPool pool = null;
            if (spec.pool() != null) {
                Map<String, IpPool> pools = IpPools.parse(templater.render(poolsVariable(scope, hosts), scope,
                        play.locationOf(ReplicaSpec.KEYWORD)));
                IpPools.checkNoOverlap(pools.values());
                pool = pools.get(spec.pool());
                if (pool == null) {
                    throw new IpPoolException("replicas of '" + spec.app() + "': no ip pool named '" + spec.pool()
                            + "' in " + IpPools.VARIABLE + " (has: " + String.join(", ", pools.keySet()) + ")");
                }
            }
            AppPlan plan = new FleetPlanner(store.loadAll()).plan(spec, placementHosts, pool);
            List<String> names = hosts.stream().map(h -> h.name).toList();
            Map<String, Map<String, Object>> layers = new LinkedHashMap<>();
            InstanceVars.hostLayers(plan, names).forEach((h, l) -> layers.put(h, new LinkedHashMap<>(l)));
            Map<String, List<Object>> removed = new LinkedHashMap<>();
            for (PlanDiff.Change c : plan.diff().changes()) {
                if (c.kind() == PlanDiff.Kind.REMOVE || c.kind() == PlanDiff.Kind.MOVE) {
                    Map<String, Object> gone = new LinkedHashMap<>();
                    gone.put("name", c.instance());
                    gone.put("host", c.fromHost());
                    if (c.fromIp() != null) gone.put("ip", c.fromIp());
                    removed.computeIfAbsent(c.fromHost(), k -> new ArrayList<>()).add(gone);
                }
            }
            for (String h : names) layers.computeIfAbsent(h, k -> new LinkedHashMap<>()).put(REMOVED, removed.getOrDefault(h, List.of()));
            Map<String, Map<String, Object>> varsByHost = new LinkedHashMap<>();
            for (HostRun h : hosts) varsByHost.put(h.name, h.inventoryVars);
            Map<String, Map<String, Object>> routes = PoolRoutes.forHosts(plan, varsByHost, store.loadAll().values());
            routes.forEach((h, r) -> layers.computeIfAbsent(h, k -> new LinkedHashMap<>()).put(PoolRoutes.VARIABLE, r));
            ReplicaLayers out = new ReplicaLayers(plan, layers, !routes.isEmpty());
            if (pool != null) {
                List<String> leased = new ArrayList<>();
                for (FleetState s : store.loadAll().values()) s.instances().forEach(i -> leased.add(i.ip()));
                plan.next().instances().forEach(i -> leased.add(i.ip()));
                out.surge = new SurgeAddresses(pool, leased.stream().filter(Objects::nonNull).toList());
            }
            return out;
        } catch (PlacementException | IpPoolException | FleetStateException e) {
            throw new PlaybookException(play.locationOf(ReplicaSpec.KEYWORD), e.getMessage());
        }
    }

    /** {@code jplay_ip_pools} of the play's scope, else the hosts' vars, which must agree (IpPools.variableFor). */
    private static Object poolsVariable(VariableScope playScope, List<HostRun> hosts) {
        Map<String, Map<String, Object>> varsByHost = new LinkedHashMap<>();
        for (HostRun h : hosts) varsByHost.put(h.name, h.inventoryVars);
        Object found = IpPools.variableFor(playScope, List.copyOf(varsByHost.keySet()), varsByHost::get);
        if (found == null) throw new IpPoolException("replicas need " + IpPools.VARIABLE + " (in the play's vars, -e or the inventory)");
        return found;
    }

    Map<String, Object> layerOf(String host) {
        return layers.getOrDefault(host, Map.of());
    }

    AppPlan plan() {
        return plan;
    }

    /** The play with the {@code pool_routes} task first when the pool is routed between hosts ({@link PoolRoutesTask}). */
    Play withRoutes(Play play) {
        return routed ? PoolRoutesTask.prepend(play) : play;
    }
}
