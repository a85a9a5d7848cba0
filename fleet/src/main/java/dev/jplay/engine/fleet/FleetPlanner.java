package dev.jplay.engine.fleet;

import dev.jplay.engine.ippool.Allocation;
import dev.jplay.engine.ippool.Cidr;
import dev.jplay.engine.ippool.InstanceAddress;
import dev.jplay.engine.ippool.IpAddress;
import dev.jplay.engine.ippool.IpAllocator;
import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPoolException;
import dev.jplay.engine.ippool.Lease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans apps against the persisted fleet: placement first, then addresses. It knows every app's state, so an
 * app never gets an address another app holds in the same pool, and a host keeps one block per pool for all
 * apps. Apps planned earlier with the same planner count as held for the apps planned after them.
 * Nothing is written: the caller saves {@link AppPlan#next()} once the plan is applied.
 */
public final class FleetPlanner {
    private final Map<String, FleetState> states;

    /** @param states every app's persisted state, by app name */
    public FleetPlanner(Map<String, FleetState> states) {
        this.states = new LinkedHashMap<>(states);
    }

    /**
     * @param hosts the play's hosts with their weights and capacities
     * @param pool the spec's pool, or null when the spec names none
     * @throws PlacementException when the hosts cannot hold the replicas
     * @throws IpPoolException when the pool cannot address them
     */
    public AppPlan plan(ReplicaSpec spec, List<PlacementHost> hosts, IpPool pool) {
        if (spec.pool() != null && (pool == null || !pool.name().equals(spec.pool()))) {
            throw new IpPoolException("replicas of '" + spec.app() + "' use ip pool '" + spec.pool() + "', which jplay_ip_pools does not declare");
        }
        FleetState previous = states.get(spec.app());
        long poolCap = pool == null ? PlacementHost.UNLIMITED : pool.nominalHostCapacity();
        List<PlacementHost> capped = new ArrayList<>(hosts.size());
        for (PlacementHost h : hosts) {
            long cap = Math.min(h.capacity(), Math.min(spec.maxPerHost(), poolCap));
            capped.add(cap == h.capacity() ? h : new PlacementHost(h.name(), h.weight(), cap));
        }
        Map<String, String> previousHosts = new HashMap<>();
        if (previous != null) for (FleetState.Instance i : previous.instances()) previousHosts.put(i.name(), i.host());
        Placement placement = Placer.place(spec.app(), spec.count(), capped, previousHosts);

        Allocation allocation = null;
        FleetState.PoolRef ref = null;
        if (pool != null) {
            ref = new FleetState.PoolRef(pool.name(), pool.cidr().toString(), pool.perHostPrefix());
            allocation = allocate(spec.app(), pool, ref, placement, previous);
        }
        List<FleetState.Instance> instances = new ArrayList<>(placement.count());
        Map<String, FleetState.Instance> before = previous == null ? Map.of() : previous.byName();
        for (int i = 0; i < placement.count(); i++) {
            String name = placement.instanceName(i);
            InstanceAddress a = allocation == null ? null : allocation.addresses().get(name);
            String host = placement.hosts().get(i);
            String ip = a == null ? null : a.ip().toString();
            // The container a start-first update left (NAME.rN) stays the instance's while it keeps its host and address.
            FleetState.Instance was = before.get(name);
            Integer revision = was != null && host.equals(was.host()) && java.util.Objects.equals(ip, was.ip()) ? was.revision() : null;
            instances.add(new FleetState.Instance(name, i, host, ip, a == null ? null : a.prefixLength(),
                    a == null ? null : a.gateway().toString(), revision));
        }
        Map<String, String> blocks = new LinkedHashMap<>();
        if (allocation != null) allocation.hostBlocks().forEach((h, b) -> blocks.put(h, b.toString()));
        FleetState next = new FleetState(FleetState.VERSION, spec.app(), ref, blocks, instances);
        states.put(spec.app(), next);
        return new AppPlan(spec, pool, placement, allocation, previous, next, PlanDiff.between(previous, next));
    }

    private Allocation allocate(String app, IpPool pool, FleetState.PoolRef ref, Placement placement, FleetState previous) {
        Set<IpAddress> otherAddresses = new HashSet<>();
        Map<String, Cidr> otherBlocks = new HashMap<>();
        for (FleetState other : states.values()) {
            if (other.app().equals(app) || !ref.equals(other.pool())) continue;
            for (FleetState.Instance i : other.instances()) if (i.ip() != null) otherAddresses.add(IpAddress.parse(i.ip()));
            other.hostBlocks().forEach((h, b) -> otherBlocks.putIfAbsent(h, Cidr.parse(b)));
        }
        Map<String, Lease> leases = new HashMap<>();
        Map<String, Cidr> blocks = new HashMap<>();
        // Leases of another pool or CIDR are dropped: every instance is readdressed.
        if (previous != null && ref.equals(previous.pool())) {
            for (FleetState.Instance i : previous.instances()) if (i.ip() != null) leases.put(i.name(), new Lease(i.host(), IpAddress.parse(i.ip())));
            previous.hostBlocks().forEach((h, b) -> blocks.put(h, Cidr.parse(b)));
        }
        return new IpAllocator(pool, otherAddresses, otherBlocks).allocate(placement.byInstance(), leases, blocks);
    }
}
