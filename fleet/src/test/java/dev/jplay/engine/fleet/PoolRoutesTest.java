package dev.jplay.engine.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPoolException;
import dev.jplay.engine.ippool.IpPools;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which routes each host gets for a per-host pool (host-gw). */
class PoolRoutesTest {
    private static final IpPool PER_HOST = IpPools.parse(Map.of("web", Map.of("cidr", "10.77.0.0/24", "per_host_prefix", 26))).get("web");

    private static List<PlacementHost> hosts(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> PlacementHost.of("h" + i)).toList();
    }

    private static Map<String, Map<String, Object>> vars(int n) {
        Map<String, Map<String, Object>> v = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) v.put("h" + i, Map.of("ansible_host", "192.168.5." + (10 + i)));
        return v;
    }

    private static AppPlan plan(String app, int count, int hosts, Map<String, FleetState> before) {
        return new FleetPlanner(before).plan(new ReplicaSpec(app, count, "web", 1), hosts(hosts), PER_HOST);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> routes(Map<String, Object> value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object o : (List<Object>) value.get("routes")) {
            Map<String, Object> r = (Map<String, Object>) o;
            out.put((String) r.get("dst"), r.get("via") + " " + r.get("host"));
        }
        return out;
    }

    @Test
    void everyHostRoutesEveryOtherHostsBlockThroughItsAddress() {
        AppPlan p = plan("web", 3, 3, Map.of());
        Map<String, Map<String, Object>> all = PoolRoutes.forHosts(p, vars(3), List.of());
        Map<String, String> blocks = p.next().hostBlocks();
        assertEquals(3, blocks.size());
        for (int i = 0; i < 3; i++) {
            String me = "h" + i;
            Map<String, Object> value = all.get(me);
            assertEquals("10.77.0.0/24", value.get("cidr"));
            assertEquals("web", value.get("pool"));
            Map<String, String> expected = new LinkedHashMap<>();
            for (int j = 0; j < 3; j++) {
                if (j != i) expected.put(blocks.get("h" + j), "192.168.5." + (10 + j) + " h" + j);
            }
            assertEquals(expected, routes(value), "routes of " + me);
        }
    }

    @Test
    void aHostScaledToZeroLeavesEveryonesRoutesButStillGetsItsOwn() {
        AppPlan three = plan("web", 3, 3, Map.of());
        AppPlan two = plan("web", 2, 3, Map.of("web", three.next()));
        assertEquals(2, two.next().hostBlocks().size());
        String idle = vars(3).keySet().stream().filter(h -> !two.next().hostBlocks().containsKey(h)).findFirst().orElseThrow();
        Map<String, Map<String, Object>> all = PoolRoutes.forHosts(two, vars(3), List.of());
        for (Map.Entry<String, Map<String, Object>> e : all.entrySet()) {
            assertTrue(routes(e.getValue()).values().stream().noneMatch(v -> v.endsWith(" " + idle)), e.getKey() + " routes to " + idle);
        }
        assertEquals(2, routes(all.get(idle)).size(), "the idle host still reaches both blocks");
    }

    @Test
    void otherAppsBlocksInThePoolAreKeptAndFlatPoolsGetNothing() {
        AppPlan web = plan("web", 1, 1, Map.of());
        FleetState api = new FleetState(FleetState.VERSION, "api", new FleetState.PoolRef("web", "10.77.0.0/24", 26),
                Map.of("h9", "10.77.0.192/26"), List.of());
        assertEquals(List.of("10.77.0.192/26"), PoolRoutes.forHosts(web, vars(1), List.of(api, web.next())).get("h0").get("keep"));
        IpPool flat = IpPools.parse(Map.of("web", Map.of("cidr", "10.77.0.0/24"))).get("web");
        AppPlan flatPlan = new FleetPlanner(Map.of()).plan(new ReplicaSpec("web", 2, "web", 1), hosts(2), flat);
        assertEquals(Map.of(), PoolRoutes.forHosts(flatPlan, vars(2), List.of()));
    }

    @Test
    void aHostWithoutAnIpv4AddressIsAnErrorNamingIt() {
        AppPlan p = plan("web", 2, 2, Map.of());
        Map<String, Map<String, Object>> v = vars(2);
        v.put("h1", Map.of("ansible_host", "node1.example"));
        IpPoolException e = assertThrows(IpPoolException.class, () -> PoolRoutes.forHosts(p, v, List.of()));
        assertTrue(e.getMessage().contains("host h1") && e.getMessage().contains("'node1.example'")
                && e.getMessage().contains(PoolRoutes.VIA_VAR), e.getMessage());
        AppPlan alone = plan("web", 1, 1, Map.of());
        assertEquals(List.of(), PoolRoutes.forHosts(alone, Map.of("h0", Map.of()), List.of()).get("h0").get("routes"),
                "a one-host play routes nothing, so needs no address");
        v.put("h1", Map.of("ansible_host", "node1.example", PoolRoutes.VIA_VAR, "192.168.5.77"));
        assertTrue(routes(PoolRoutes.forHosts(p, v, List.of()).get("h0")).values().contains("192.168.5.77 h1"));
    }
}
