package dev.jplay.engine.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateRebuildTest {
    private static final List<PlacementHost> HOSTS = List.of(PlacementHost.of("a"), PlacementHost.of("b"), PlacementHost.of("c"));

    private static IpPool pool(Map<String, Object> decl) {
        return IpPools.parse(Map.of("web", decl)).get("web");
    }

    /** What the hosts would report after an apply of {@code state}: each instance's container with its address. */
    private static List<ObservedInstance> onHosts(FleetState state) {
        List<ObservedInstance> out = new ArrayList<>();
        for (FleetState.Instance i : state.instances()) {
            out.add(ObservedInstance.of("web", i.host(), i.name(), true, i.ip(), i.prefixLen(), i.gateway()).orElseThrow());
        }
        return out;
    }

    @Test
    void theStateRebuiltFromTheHostsIsTheOneThatWasLostAndPlansNoChange() {
        for (IpPool pool : List.of(pool(Map.of("cidr", "10.77.0.0/24", "per_host_prefix", 26)), pool(Map.of("cidr", "10.88.0.0/24")))) {
            ReplicaSpec spec = new ReplicaSpec("web", 7, "web", PlacementHost.UNLIMITED);
            FleetState lost = new FleetPlanner(Map.of()).plan(spec, HOSTS, pool).next();

            StateRebuild.Result rebuilt = StateRebuild.of("web", pool, onHosts(lost));

            assertEquals(List.of(), rebuilt.warnings());
            assertEquals(lost, rebuilt.state(), "instances, leases, host blocks and pool as they were");
            AppPlan again = new FleetPlanner(Map.of("web", rebuilt.state())).plan(spec, HOSTS, pool);
            assertTrue(again.diff().isEmpty(), () -> String.valueOf(again.diff().changes()));
        }
    }

    @Test
    void onlyAppIndexNamesAreInstancesAndDoubtfulLeasesAreLeftToTheNextRun() {
        assertTrue(ObservedInstance.of("web", "a", "web-api-0", true, null, null, null).isEmpty(), "another app's instance");
        assertTrue(ObservedInstance.of("web", "a", "web", true, null, null, null).isEmpty());
        assertEquals(3, ObservedInstance.of("web", "a", "web-3", true, null, null, null).orElseThrow().index());
        IpPool pool = pool(Map.of("cidr", "10.77.0.0/24", "per_host_prefix", 26));
        List<ObservedInstance> seen = List.of(
                new ObservedInstance("a", "web-0", 0, true, "10.77.0.2", 26, "10.77.0.1"),
                new ObservedInstance("a", "web-1", 1, true, "10.77.0.70", 26, "10.77.0.65"),  // not a's block
                new ObservedInstance("b", "web-2", 2, true, "10.99.0.5", 24, "10.99.0.1"),     // outside the pool
                new ObservedInstance("b", "web-3", 3, true, "10.77.0.66", 26, "10.77.0.65"),
                new ObservedInstance("c", "web-3", 3, false, "10.77.0.130", 26, "10.77.0.129"), // a stopped copy
                new ObservedInstance("a", "web-4", 4, true, "10.77.0.3", 26, "10.77.0.1"),
                new ObservedInstance("c", "web-4", 4, true, "10.77.0.131", 26, "10.77.0.129")); // two running copies
        StateRebuild.Result r = StateRebuild.of("web", pool, seen);
        assertEquals(List.of("web-0", "web-1", "web-2", "web-3"), r.state().instances().stream().map(FleetState.Instance::name).toList());
        Map<String, FleetState.Instance> byName = r.state().byName();
        assertEquals("10.77.0.2", byName.get("web-0").ip());
        assertEquals(null, byName.get("web-1").ip());
        assertEquals(null, byName.get("web-2").ip());
        assertEquals("b", byName.get("web-3").host());
        assertEquals(Map.of("a", "10.77.0.0/26", "b", "10.77.0.64/26"), r.state().hostBlocks());
        assertEquals(4, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("web-4 is on 2 hosts (a (running), c (running)): left out")), r.warnings().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("web-3 is on 2 hosts") && w.endsWith("kept the running one on b")));
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("10.99.0.5, outside pool 'web' (10.77.0.0/24)")));
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("10.77.0.70, outside the host's block 10.77.0.0/26")));
    }

    @Test
    void driftNamesMissingUnknownMisplacedAndReaddressedInstancesOnHostsThatAnswered() {
        IpPool pool = pool(Map.of("cidr", "10.88.0.0/24"));
        FleetState state = new FleetPlanner(Map.of()).plan(new ReplicaSpec("web", 4, "web", PlacementHost.UNLIMITED), HOSTS, pool).next();
        List<ObservedInstance> seen = new ArrayList<>(onHosts(state));
        assertEquals(List.of(), StateDrift.between("web", state, Set.of("a", "b", "c"), seen));

        FleetState.Instance removed = state.instances().get(0);
        FleetState.Instance readdressed = state.instances().get(1);
        seen.removeIf(o -> o.name().equals(removed.name()) || o.name().equals(readdressed.name()));
        seen.add(new ObservedInstance(readdressed.host(), readdressed.name(), 1, true, "10.88.0.250", 24, "10.88.0.1"));
        String other = readdressed.host().equals("a") ? "b" : "a";
        seen.add(new ObservedInstance(other, readdressed.name(), 1, true, "10.88.0.251", 24, "10.88.0.1"));
        seen.add(new ObservedInstance("c", "web-9", 9, true, "10.88.0.99", 24, "10.88.0.1"));
        List<StateDrift.Disagreement> found = StateDrift.between("web", state, Set.of("a", "b", "c"), seen);
        assertEquals(List.of(
                new StateDrift.Disagreement(StateDrift.Kind.MISSING, removed.name(), removed.host(),
                        removed.name() + " is not on " + removed.host() + ", where the state puts it"),
                new StateDrift.Disagreement(StateDrift.Kind.ADDRESS, readdressed.name(), readdressed.host(),
                        readdressed.name() + " on " + readdressed.host() + " has 10.88.0.250, the state leases it " + readdressed.ip()),
                new StateDrift.Disagreement(StateDrift.Kind.ELSEWHERE, readdressed.name(), other,
                        readdressed.name() + " is also on " + other + "; the state puts it on " + readdressed.host()),
                new StateDrift.Disagreement(StateDrift.Kind.UNKNOWN, "web-9", "c",
                        "web-9 is on c, but the state of 'web' does not list it (10.88.0.99)")), found);

        // A host that did not answer proves nothing: its instances are not called missing.
        Set<String> answered = Set.of("a", "b", "c").stream().filter(h -> !h.equals(removed.host())).collect(java.util.stream.Collectors.toSet());
        assertTrue(StateDrift.between("web", state, answered, seen).stream().noneMatch(d -> d.kind() == StateDrift.Kind.MISSING));
        // No state at all (lost): every instance on the hosts is unknown.
        assertEquals(seen.size(), StateDrift.between("web", null, Set.of("a", "b", "c"), seen).size());
    }
}
