package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.ippool.AddressRange;
import dev.jplay.engine.ippool.Cidr;
import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPools;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pieces of a start-first replacement: spare addresses, and which container runs an instance. */
class StartFirstPartsTest {
    @Test
    void aSpareAddressIsFreeInTheInstancesSubnetFromTheTopDown() {
        IpPool pool = IpPools.parse(Map.of("apps", Map.of("cidr", "10.78.0.0/24", "per_host_prefix", 29))).get("apps");
        // block 10.78.0.8/29: .8 network, .9 gateway, .15 broadcast; .14 leased by another app, .10-.11 by this one
        SurgeAddresses spare = new SurgeAddresses(pool, List.of("10.78.0.14", "10.78.0.10", "10.78.0.11"));
        Cidr block = Cidr.parse("10.78.0.8/29");
        assertEquals("10.78.0.13", spare.take(block, "10.78.0.9"));
        assertEquals("10.78.0.12", spare.take(block, "10.78.0.9"));
        assertNull(spare.take(block, "10.78.0.9"), "the block is full: no spare (then the update is stop-first)");
        spare.giveBack("10.78.0.12");
        assertEquals("10.78.0.12", spare.take(block, "10.78.0.9"), "a failed replacement's address is free again");
    }

    @Test
    void theNewContainersArgsCarryItsNewAddressEverywhere() {
        Map<String, Object> args = Map.of("name", "web-0", "network", Map.of("ip", "10.0.0.2", "prefix_len", 24),
                "healthcheck", Map.of("tcp", "10.0.0.2:80"), "command", List.of("sh", "-c", "serve 10.0.0.2 10.0.0.25 110.0.0.2"));
        @SuppressWarnings("unchecked")
        Map<String, Object> moved = (Map<String, Object>) ServicePlay.withAddress(args, "10.0.0.2", "10.0.0.9");
        assertEquals(Map.of("ip", "10.0.0.9", "prefix_len", 24), moved.get("network"));
        assertEquals(Map.of("tcp", "10.0.0.9:80"), moved.get("healthcheck"), "the gate probes the new container");
        assertEquals(List.of("sh", "-c", "serve 10.0.0.9 10.0.0.25 110.0.0.2"), moved.get("command"), "whole addresses only");
    }

    @Test
    void excludedRangesAreNeverSpare() {
        IpPool flat = IpPool.flat("apps", Cidr.parse("10.79.0.0/29"), List.of(AddressRange.parse("10.79.0.5-10.79.0.6")));
        SurgeAddresses spare = new SurgeAddresses(flat, List.of());
        assertEquals("10.79.0.4", spare.take(Cidr.parse("10.79.0.0/29"), "10.79.0.1"));
    }

    @Test
    void aTaskNamingTheInstanceReachesTheContainerThatRunsIt() {
        FleetState previous = new FleetState(FleetState.VERSION, "web", null, null, List.of(
                new FleetState.Instance("web-0", 0, "a", "10.0.0.2", 24, "10.0.0.1", 1),
                new FleetState.Instance("web-1", 1, "a", "10.0.0.3", 24, "10.0.0.1", null)));
        InstanceContainers containers = new InstanceContainers(previous, previous);
        Map<String, Object> args = Map.of("name", "web-0", "image", "x");
        assertEquals("web-0.r1", containers.rewrite("a", "container", args).get("name"));
        assertEquals("x", containers.rewrite("a", "container", args).get("image"));
        assertSame(args, containers.rewrite("b", "container", args), "another host's web-0 is not this one");
        assertSame(args, containers.rewrite("a", "image", args), "only container calls");
        assertEquals("web-0", containers.instanceOf("a", "web-0.r1"));
        assertEquals("web-1", containers.instanceOf("a", "web-1"));

        containers.replacedBy(previous.instances().get(1).replaced("10.0.0.250", 1));
        assertEquals("web-1.r1", containers.containerOf("a", "web-1"));
        FleetState saved = previous.withReplaced(containers.replacements());
        assertEquals("10.0.0.250", saved.instances().get(1).ip(), "the lease moved to the new address");
        assertEquals("web-1.r1", saved.instances().get(1).containerName());
        assertEquals("web-0.r1", saved.instances().get(0).containerName(), "the others as they were");
    }

    @Test
    void aFailedReplacementLeavesNothingToRollBack() {
        dev.jplay.protocol.Failure gate = new dev.jplay.protocol.Failure(dev.jplay.protocol.Step.HEALTH, "CHECK_TIMEOUT", "unhealthy",
                Map.of("recreated", true, "check", "tcp://10.0.0.9:80"), false);
        dev.jplay.protocol.AgentResult failed = dev.jplay.protocol.AgentResult.failed(7, gate, 5);
        dev.jplay.protocol.AgentResult reported = ServicePlay.oldKept(failed);
        assertEquals(false, reported.error().detail().get("recreated"), "the old container was not replaced");
        assertEquals("tcp://10.0.0.9:80", reported.error().detail().get("check"), "the rest of the detail stays");
        assertEquals("CHECK_TIMEOUT", reported.error().code());
        assertTrue(reported.failed());
    }
}
