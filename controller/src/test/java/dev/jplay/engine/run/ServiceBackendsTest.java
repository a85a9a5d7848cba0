package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.fleet.FleetState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceBackendsTest {
    private static FleetState.Instance inst(String name, int index, String host, String ip) {
        return new FleetState.Instance(name, index, host, ip, 24, "10.0.0.1");
    }

    private static FleetState state(FleetState.Instance... instances) {
        return new FleetState(FleetState.VERSION, "web", null, null, List.of(instances));
    }

    @Test
    void onAFirstRunAnInstanceServesOnlyOnceItsContainerTaskSucceeded() {
        ServiceBackends b = new ServiceBackends(state(inst("web-0", 0, "a", "10.0.0.2"), inst("web-1", 1, "b", "10.0.0.3")), null, List.of("a", "b"));
        assertEquals(List.of(), b.backends());
        long v = b.version();
        b.serving("b", "web-1");
        assertEquals(List.of("10.0.0.3"), b.backends());
        assertTrue(b.version() > v);
        b.serving("a", "web-1"); // not that host's instance: ignored
        b.serving("a", "web-0");
        assertEquals(List.of("10.0.0.2", "10.0.0.3"), b.backends(), "in the plan's order");
    }

    @Test
    void aLocalHostSendsToItsOwnServingInstancesAndFallsBackToAllWithoutOne() {
        FleetState s = state(inst("web-0", 0, "a", "10.0.0.2"), inst("web-1", 1, "b", "10.0.0.3"), inst("web-2", 2, "a", "10.0.0.4"),
                inst("web-3", 3, "c", "10.0.0.5"));
        ServiceBackends b = new ServiceBackends(s, s, List.of("a", "b", "c"));
        assertEquals(new ServiceBackends.HostBackends(List.of("10.0.0.2", "10.0.0.4"), true), b.forHost("a", true));
        assertEquals(new ServiceBackends.HostBackends(List.of("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"), false), b.forHost("a", false),
                "cluster: every host's");
        assertEquals(new ServiceBackends.HostBackends(List.of("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"), false), b.forHost("d", true),
                "a host of the play without instances falls back to cluster");
        b.notServing("b", "web-1");
        assertEquals(new ServiceBackends.HostBackends(List.of("10.0.0.2", "10.0.0.4", "10.0.0.5"), false), b.forHost("b", true),
                "its only instance is being replaced: every other host's instances answer meanwhile");
        b.notServing("a", "web-0");
        assertEquals(new ServiceBackends.HostBackends(List.of("10.0.0.4"), true), b.forHost("a", true));
    }

    @Test
    void keptInstancesServeFromTheStartMovedOrReaddressedOnesDoNot() {
        FleetState before = state(inst("web-0", 0, "a", "10.0.0.2"), inst("web-1", 1, "b", "10.0.0.3"), inst("web-2", 2, "c", "10.0.0.4"),
                inst("web-3", 3, "a", "10.0.0.5"));
        FleetState next = state(inst("web-0", 0, "a", "10.0.0.2"), inst("web-1", 1, "a", "10.0.0.3"), inst("web-2", 2, "c", "10.0.0.9"));
        ServiceBackends b = new ServiceBackends(next, before, List.of("a", "b", "c"));
        assertEquals(List.of("10.0.0.2"), b.backends(), "web-1 moved, web-2 readdressed, web-3 scaled away");
        assertTrue(b.isServing("web-0"));
        assertFalse(b.isServing("web-3"));
    }

    @Test
    void anInstanceLeavesBeforeItStopsAndALostHostTakesAllItsInstances() {
        FleetState s = state(inst("web-0", 0, "a", "10.0.0.2"), inst("web-1", 1, "b", "10.0.0.3"), inst("web-2", 2, "b", "10.0.0.4"));
        ServiceBackends b = new ServiceBackends(s, s, List.of("a", "b"));
        assertEquals(List.of("10.0.0.2", "10.0.0.3", "10.0.0.4"), b.backends());
        b.notServing("a", "web-0");
        assertEquals(List.of("10.0.0.3", "10.0.0.4"), b.backends());
        long v = b.version();
        b.hostLost("b");
        assertEquals(List.of(), b.backends());
        assertTrue(b.version() > v);
        long unchanged = b.version();
        b.hostLost("b");
        assertEquals(unchanged, b.version(), "no change, no new version (no sync)");
    }

    @Test
    void aHostUnreachableAtTheStartServesNothing() {
        FleetState s = state(inst("web-0", 0, "a", "10.0.0.2"), inst("web-1", 1, "b", "10.0.0.3"));
        assertEquals(List.of("10.0.0.2"), new ServiceBackends(s, s, List.of("a")).backends());
    }
}
