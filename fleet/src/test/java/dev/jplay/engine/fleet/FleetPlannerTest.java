package dev.jplay.engine.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.ippool.Cidr;
import dev.jplay.engine.ippool.IpAddress;
import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPoolException;
import dev.jplay.engine.ippool.IpPools;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetPlannerTest {
    private static List<PlacementHost> hosts(int n) {
        List<PlacementHost> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(PlacementHost.of("h" + i));
        return out;
    }

    private static IpPool pool(Map<String, Object> decl) {
        return IpPools.parse(Map.of("web", decl)).get("web");
    }

    private static ReplicaSpec spec(String app, int count) {
        return new ReplicaSpec(app, count, "web", PlacementHost.UNLIMITED);
    }

    @Test
    void firstRunAddsEverythingAndASecondRunChangesNothing() {
        IpPool p = pool(Map.of("cidr", "10.88.0.0/24"));
        AppPlan first = new FleetPlanner(Map.of()).plan(spec("web", 20), hosts(4), p);
        assertEquals(20, first.diff().count(PlanDiff.Kind.ADD));
        AppPlan second = new FleetPlanner(Map.of("web", first.next())).plan(spec("web", 20), hosts(4), p);
        assertEquals(20, second.diff().count(PlanDiff.Kind.UNCHANGED));
        assertTrue(second.diff().isEmpty());
        assertEquals(first.next(), second.next());
    }

    @Test
    void changingTheCidrReaddressesEveryInstance() {
        AppPlan first = new FleetPlanner(Map.of()).plan(spec("web", 30), hosts(3), pool(Map.of("cidr", "10.88.0.0/24")));
        AppPlan moved = new FleetPlanner(Map.of("web", first.next())).plan(spec("web", 30), hosts(3), pool(Map.of("cidr", "10.99.0.0/24")));
        assertEquals(30, moved.diff().count(PlanDiff.Kind.READDRESS));
        Cidr newCidr = Cidr.parse("10.99.0.0/24");
        for (FleetState.Instance i : moved.next().instances()) {
            assertTrue(newCidr.contains(IpAddress.parse(i.ip())), i.ip());
            assertEquals("10.99.0.1", i.gateway());
        }
        assertEquals("10.99.0.0/24", moved.next().pool().cidr());
    }

    @Test
    void diffShowsAddRemoveMoveAndReaddress() {
        IpPool p = pool(Map.of("cidr", "10.88.0.0/24", "per_host_prefix", 28));
        AppPlan first = new FleetPlanner(Map.of()).plan(spec("web", 12), hosts(3), p);
        // scale down to 9 and drop host h2: its instances move (and get addresses of their new host's block)
        List<PlacementHost> two = hosts(2);
        AppPlan next = new FleetPlanner(Map.of("web", first.next())).plan(spec("web", 9), two, p);
        Map<PlanDiff.Kind, Integer> c = next.diff().counts();
        assertEquals(3, c.get(PlanDiff.Kind.REMOVE));
        int onH2 = (int) first.next().instances().stream().filter(i -> i.index() < 9 && i.host().equals("h2")).count();
        assertEquals(onH2, c.get(PlanDiff.Kind.MOVE));
        assertEquals(9 - onH2, c.get(PlanDiff.Kind.UNCHANGED));
        for (PlanDiff.Change ch : next.diff().changes()) {
            if (ch.kind() == PlanDiff.Kind.MOVE) assertNotEquals(ch.fromIp(), ch.toIp(), "a per-host pool readdresses moved instances");
        }
        assertEquals(Set.of("h0", "h1"), next.next().hostBlocks().keySet(), "h2's block is released");
    }

    @Test
    void appsSharingAPoolNeverShareAnAddressAndShareHostBlocks() {
        IpPool p = pool(Map.of("cidr", "10.88.0.0/24", "per_host_prefix", 27));
        FleetPlanner planner = new FleetPlanner(Map.of());
        AppPlan web = planner.plan(spec("web", 10), hosts(2), p);
        AppPlan api = planner.plan(spec("api", 10), hosts(3), p);
        Set<String> all = new HashSet<>();
        web.next().instances().forEach(i -> all.add(i.ip()));
        api.next().instances().forEach(i -> all.add(i.ip()));
        assertEquals(20, all.size());
        assertEquals(web.next().hostBlocks().get("h0"), api.next().hostBlocks().get("h0"));
        assertEquals(3, new HashSet<>(api.next().hostBlocks().values()).size());
    }

    @Test
    void perHostBlockSizeCapsInstancesPerHost() {
        IpPool p = pool(Map.of("cidr", "10.88.0.0/24", "per_host_prefix", 29)); // 5 instances per block
        AppPlan plan = new FleetPlanner(Map.of()).plan(spec("web", 14), List.of(PlacementHost.of("a"), PlacementHost.of("b"),
                new PlacementHost("c", 5, PlacementHost.UNLIMITED)), p);
        assertTrue(plan.placement().byHost(List.of("a", "b", "c")).values().stream().allMatch(l -> l.size() <= 5));
        assertThrows(PlacementException.class, () -> new FleetPlanner(Map.of()).plan(spec("web", 16), hosts(3), p));
    }

    @Test
    void unknownPoolIsAnError() {
        IpPoolException e = assertThrows(IpPoolException.class,
                () -> new FleetPlanner(Map.of()).plan(new ReplicaSpec("web", 1, "nope", PlacementHost.UNLIMITED), hosts(1), null));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void instanceVarsPerHost() {
        IpPool p = pool(Map.of("cidr", "10.88.0.0/24"));
        AppPlan plan = new FleetPlanner(Map.of()).plan(spec("web", 3), hosts(2), p);
        Map<String, Map<String, Object>> layers = InstanceVars.hostLayers(plan, List.of("h0", "h1", "idle"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> onH0 = (List<Map<String, Object>>) layers.get("h0").get("jplay_instances");
        int total = 0;
        for (Map<String, Object> layer : layers.values()) total += ((List<?>) layer.get("jplay_instances")).size();
        assertEquals(3, total);
        assertEquals(List.of(), layers.get("idle").get("jplay_instances"));
        Map<String, Object> first = onH0.get(0);
        FleetState.Instance expected = plan.next().byName().get(first.get("name"));
        assertEquals(expected.index(), first.get("index"));
        assertEquals("h0", first.get("host"));
        assertEquals(expected.ip(), first.get("ip"));
        assertEquals(24, first.get("prefix_len"));
        assertEquals("10.88.0.1", first.get("gateway"));
        assertEquals("jp-web", first.get("bridge"));
    }

    @Test
    void replicaSpecFromAPlayMapping() {
        ReplicaSpec s = ReplicaSpec.fromPlayMap(Map.of("hosts", "web", "replicas", Map.of("app", "web", "count", 100, "pool", "web", "max_per_host", 20))).orElseThrow();
        assertEquals(new ReplicaSpec("web", 100, "web", 20), s);
        assertTrue(ReplicaSpec.fromPlayMap(Map.of("hosts", "web")).isEmpty());
        PlacementException e = assertThrows(PlacementException.class, () -> ReplicaSpec.fromPlayMap(Map.of("replicas", Map.of("app", "web", "cout", 3))));
        assertTrue(e.getMessage().contains("unknown key 'cout'"), e.getMessage());
        assertThrows(PlacementException.class, () -> ReplicaSpec.fromPlayMap(Map.of("replicas", Map.of("app", "web", "count", "many"))));
    }
}
