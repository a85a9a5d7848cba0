package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.connection.HostTarget;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerPlanTest {
    static HostTarget host(int i) {
        return HostTarget.ssh("h" + i, "10.0.0." + i, "root", List.of());
    }

    @Test
    void aTreeOfFanOutThreeWithTheRootOnTheRegistry() {
        assertEquals(List.of(), PeerPlan.sourcesOf(0));
        for (int place = 1; place <= 3; place++) assertEquals(List.of(0), PeerPlan.sourcesOf(place));
        assertEquals(List.of(1, 0), PeerPlan.sourcesOf(4));
        assertEquals(List.of(3, 0), PeerPlan.sourcesOf(12));
        assertEquals(List.of(4, 1), PeerPlan.sourcesOf(13), "parent, then grandparent: at most two before the registry");
        // Nobody serves more than FANOUT hosts as their first source.
        Map<Integer, Integer> children = new HashMap<>();
        for (int place = 1; place < 100; place++) children.merge(PeerPlan.sourcesOf(place).get(0), 1, Integer::sum);
        assertTrue(children.values().stream().allMatch(n -> n <= PeerPlan.FANOUT), children.toString());
        assertThrows(IllegalArgumentException.class, () -> PeerPlan.sourcesOf(-1));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> peersOf(Map<String, Object> args) {
        return (Map<String, Object>) args.get("_peers");
    }

    @Test
    void hostsPullingOneImageGetTheirSourcesInTheOrderTheyAsk() throws Exception {
        PeerDistribution peers = new PeerDistribution(new SecureRandom());
        Map<String, Object> args = Map.of("name", "reg:5000/app:1");
        Map<String, Object> first = peers.attach("image", args, "h1", host(1), Map.of(), false, false);
        Map<String, Object> second = peers.attach("container", Map.of("name", "web", "image", "reg:5000/app:1"), "h2", host(2),
                Map.of(), false, false);
        Map<String, Object> fifth = null;
        for (int i = 3; i <= 5; i++) fifth = peers.attach("image", args, "h" + i, host(i), Map.of(), false, false);

        String port = ((String) peersOf(first).get("listen")).split(":")[1];
        int p = Integer.parseInt(port);
        assertTrue(p >= PeerDistribution.PORT_BASE && p < PeerDistribution.PORT_BASE + PeerDistribution.PORT_RANGE);
        assertEquals("10.0.0.1:" + port, peersOf(first).get("listen"));
        assertEquals(List.of(), peersOf(first).get("sources"), "the first host takes the image from the registry");
        assertEquals(List.of("10.0.0.1:" + port), peersOf(second).get("sources"));
        assertEquals(List.of("10.0.0.2:" + port, "10.0.0.1:" + port), peersOf(fifth).get("sources"));
        String token = (String) peersOf(first).get("token");
        assertTrue(token.length() >= 40, "32 random bytes");
        assertEquals(token, peersOf(fifth).get("token"), "one token per run");
        assertNotEquals(token, peersOf(new PeerDistribution().attach("image", args, "h1", host(1), Map.of(), false, false)).get("token"));
        assertEquals("reg:5000/app:1", first.get("name"), "the task's own args stay");
        // Asking again (a later task with the same image) keeps the host's place.
        assertEquals(List.of("10.0.0.1:" + port), peersOf(peers.attach("image", args, "h2", host(2), Map.of(), false, false)).get("sources"));
    }

    @Test
    void aHostWhosePullFailedIsNoOnesSourceAfterwards() throws Exception {
        PeerDistribution peers = new PeerDistribution();
        Map<String, Object> args = Map.of("name", "reg/app:1");
        Map<String, Object> first = peers.attach("image", args, "h1", host(1), Map.of(), false, false);
        peers.failed("image", first, "h1");
        Map<String, Object> second = peers.attach("image", args, "h2", host(2), Map.of(), false, false);
        assertEquals(List.of(), peersOf(second).get("sources"), "h2 is the root now");
    }

    @Test
    void peersAreOffWhereVarsCheckModeOrTheCallSaySo() throws Exception {
        PeerDistribution peers = new PeerDistribution();
        Map<String, Object> args = Map.of("name", "reg/app:1");
        assertSame(args, peers.attach("image", args, "h1", host(1), Map.of("jplay_peers", false), false, false));
        assertSame(args, peers.attach("image", args, "h1", host(1), Map.of("jplay_peers", "no"), false, false));
        assertSame(args, peers.attach("image", args, "h1", host(1), Map.of(), true, false), "check mode pulls nothing");
        assertSame(args, peers.attach("image", args, "h1", host(1), Map.of(), false, true), "a delegated call is not the host's");
        assertSame(args, peers.attach("image", args, "h1", HostTarget.local("h1"), Map.of(), false, false));
        Map<String, Object> absent = Map.of("name", "reg/app:1", "state", "absent");
        assertSame(absent, peers.attach("image", absent, "h1", host(1), Map.of(), false, false));
        Map<String, Object> gone = Map.of("name", "web", "image", "reg/app:1", "state", "absent");
        assertSame(gone, peers.attach("container", gone, "h1", host(1), Map.of(), false, false));
        assertSame(args, peers.attach("command", args, "h1", host(1), Map.of(), false, false));
    }

    @Test
    void theAddressAndPortCanBeSetPerHost() throws Exception {
        PeerDistribution peers = new PeerDistribution();
        Map<String, Object> args = Map.of("name", "reg/app:1");
        Map<String, Object> set = peers.attach("image", args, "h1", host(1),
                Map.of("jplay_peer_port", 7070, "jplay_peer_address", "192.168.1.5"), false, false);
        assertEquals("192.168.1.5:7070", peersOf(set).get("listen"));
        ControllerModules.PrepareException bad = assertThrows(ControllerModules.PrepareException.class,
                () -> peers.attach("image", args, "h2", host(2), Map.of("jplay_peer_port", "http"), false, false));
        assertEquals("ARG_VALUE", bad.code());
        assertTrue(bad.getMessage().contains("jplay_peer_port"), bad.getMessage());
        assertInstanceOf(Map.class, set.get("_peers"));
    }
}
