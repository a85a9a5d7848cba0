package dev.jplay.engine.ippool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpAllocatorTest {
    private static IpPool pool(String yamlish) {
        return IpPools.parse(Map.of("p", parseMap(yamlish))).get("p");
    }

    /** "key=value;key=a,b" into a pool mapping. */
    private static Map<String, Object> parseMap(String spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String kv : spec.split(";")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], p[0].equals("exclude") ? List.of(p[1].split(",")) : p[0].equals("per_host_prefix") ? Integer.valueOf(p[1]) : p[1]);
        }
        return m;
    }

    private static Map<String, String> onHosts(int count, String... hosts) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) m.put("web-" + i, hosts[i % hosts.length]);
        return m;
    }

    private static List<String> ips(Allocation a) {
        List<String> out = new ArrayList<>();
        a.addresses().values().forEach(x -> out.add(x.ip().toString()));
        return out;
    }

    @Test
    void flatV4SkipsNetworkGatewayAndBroadcast() {
        Allocation a = new IpAllocator(pool("cidr=10.88.0.0/29")).allocate(onHosts(5, "h1", "h2"), Map.of(), Map.of());
        assertEquals(List.of("10.88.0.2", "10.88.0.3", "10.88.0.4", "10.88.0.5", "10.88.0.6"), ips(a));
        InstanceAddress first = a.addresses().get("web-0");
        assertEquals("10.88.0.1", first.gateway().toString());
        assertEquals(29, first.prefixLength());
    }

    @Test
    void explicitGatewayIsSkippedAndFirstAddressIsUsable() {
        Allocation a = new IpAllocator(pool("cidr=10.88.0.0/29;gateway=10.88.0.6")).allocate(onHosts(2, "h1"), Map.of(), Map.of());
        assertEquals(List.of("10.88.0.1", "10.88.0.2"), ips(a));
        assertEquals("10.88.0.6", a.addresses().get("web-1").gateway().toString());
    }

    @Test
    void exclusionsOfAddressesRangesAndBlocksAreNeverHandedOut() {
        IpPool p = pool("cidr=10.88.0.0/24;exclude=10.88.0.2,10.88.0.4-10.88.0.5,10.88.0.8/30");
        Allocation a = new IpAllocator(p).allocate(onHosts(4, "h1"), Map.of(), Map.of());
        assertEquals(List.of("10.88.0.3", "10.88.0.6", "10.88.0.7", "10.88.0.12"), ips(a));
    }

    @Test
    void exhaustedPoolNamesThePoolAndTheNumbers() {
        IpPool p = pool("cidr=10.88.0.0/28;exclude=10.88.0.10-10.88.0.12");
        // 16 addresses - network, broadcast, gateway, 3 excluded = 10 usable
        IpPoolException e = assertThrows(IpPoolException.class, () -> new IpAllocator(p).allocate(onHosts(11, "h1"), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("'p'") && e.getMessage().contains("10.88.0.0/28"), e.getMessage());
        assertTrue(e.getMessage().contains("11 instances") && e.getMessage().contains("10 are free"), e.getMessage());
        assertEquals(10, new IpAllocator(p).allocate(onHosts(10, "h1"), Map.of(), Map.of()).addresses().size());
    }

    @Test
    void ipv6PoolsUseCanonicalTextAndHugePrefixes() {
        IpPool p = pool("cidr=fd00:88::/64;exclude=fd00:88::2,fd00:88::10-fd00:88::1f");
        Allocation a = new IpAllocator(p).allocate(onHosts(20, "h1"), Map.of(), Map.of());
        List<String> ips = ips(a);
        assertEquals("fd00:88::3", ips.get(0));
        assertEquals("fd00:88::f", ips.get(12));
        assertEquals("fd00:88::20", ips.get(13), "the excluded ::10-::1f range is skipped");
        assertEquals("fd00:88::1", a.addresses().get("web-0").gateway().toString());
        assertEquals(64, a.addresses().get("web-0").prefixLength());
    }

    @Test
    void perHostBlocksGiveEachHostItsSubnetAndGateway() {
        IpPool p = pool("cidr=10.88.0.0/24;per_host_prefix=28");
        Allocation a = new IpAllocator(p).allocate(onHosts(4, "h1", "h2"), Map.of(), Map.of());
        assertEquals("10.88.0.0/28", a.hostBlocks().get("h1").toString());
        assertEquals("10.88.0.16/28", a.hostBlocks().get("h2").toString());
        assertEquals(List.of("10.88.0.2", "10.88.0.18", "10.88.0.3", "10.88.0.19"), ips(a));
        assertEquals("10.88.0.17", a.addresses().get("web-1").gateway().toString());
        assertEquals(28, a.addresses().get("web-1").prefixLength());
    }

    @Test
    void perHostV6Blocks() {
        IpPool p = pool("cidr=fd00:1::/48;per_host_prefix=64");
        Allocation a = new IpAllocator(p).allocate(onHosts(2, "h1", "h2"), Map.of(), Map.of());
        assertEquals("fd00:1:0:1::/64", a.hostBlocks().get("h2").toString());
        assertEquals("fd00:1:0:1::2", a.addresses().get("web-1").ip().toString());
        assertEquals("fd00:1:0:1::1", a.addresses().get("web-1").gateway().toString());
    }

    @Test
    void tooManyHostsOrTooManyInstancesOnAHostAreErrors() {
        IpPool p = pool("cidr=10.88.0.0/26;per_host_prefix=28");
        IpPoolException blocks = assertThrows(IpPoolException.class,
                () -> new IpAllocator(p).allocate(onHosts(5, "h1", "h2", "h3", "h4", "h5"), Map.of(), Map.of()));
        assertTrue(blocks.getMessage().contains("5 hosts need a /28 block, the pool has 4"), blocks.getMessage());
        IpPoolException full = assertThrows(IpPoolException.class, () -> new IpAllocator(p).allocate(onHosts(14, "h1"), Map.of(), Map.of()));
        assertTrue(full.getMessage().contains("host h1 needs 14 addresses") && full.getMessage().contains("13 free"), full.getMessage());
    }

    @Test
    void keepsPreviousLeasesAndReleasesThoseOfRemovedInstances() {
        IpPool p = pool("cidr=10.88.0.0/24");
        Allocation first = new IpAllocator(p).allocate(onHosts(5, "h1"), Map.of(), Map.of());
        Map<String, Lease> leases = new LinkedHashMap<>();
        first.addresses().forEach((n, x) -> leases.put(n, new Lease("h1", x.ip())));
        // web-1 and web-2 scaled away, then two new instances: they reuse the released, lowest addresses
        Map<String, String> next = new LinkedHashMap<>();
        for (String n : List.of("web-0", "web-3", "web-4", "web-5", "web-6")) next.put(n, "h1");
        Allocation second = new IpAllocator(p).allocate(next, leases, Map.of());
        for (String n : List.of("web-0", "web-3", "web-4")) assertEquals(first.addresses().get(n).ip(), second.addresses().get(n).ip());
        assertEquals(Set.of("10.88.0.3", "10.88.0.4"),
                Set.of(second.addresses().get("web-5").ip().toString(), second.addresses().get("web-6").ip().toString()));
    }

    @Test
    void aLeaseThatIsNowExcludedIsReaddressed() {
        Map<String, Lease> leases = Map.of("web-0", new Lease("h1", IpAddress.parse("10.88.0.2")));
        Allocation a = new IpAllocator(pool("cidr=10.88.0.0/24;exclude=10.88.0.2")).allocate(onHosts(1, "h1"), leases, Map.of());
        assertEquals("10.88.0.3", a.addresses().get("web-0").ip().toString());
    }

    @Test
    void addressesAndBlocksOfOtherAppsAreRespected() {
        IpPool p = pool("cidr=10.88.0.0/24;per_host_prefix=28");
        Set<IpAddress> held = Set.of(IpAddress.parse("10.88.0.18"));
        Map<String, Cidr> blocks = Map.of("h2", Cidr.parse("10.88.0.16/28"), "h9", Cidr.parse("10.88.0.0/28"));
        Allocation a = new IpAllocator(p, held, blocks).allocate(onHosts(2, "h1", "h2"), Map.of(), Map.of());
        assertEquals("10.88.0.32/28", a.hostBlocks().get("h1").toString(), "h9 holds the first block");
        assertEquals("10.88.0.16/28", a.hostBlocks().get("h2").toString(), "h2 shares its block with the other app");
        assertEquals("10.88.0.19", a.addresses().get("web-1").ip().toString());
    }

    @Test
    void allocationIsConflictFreeAtScale() {
        IpPool p = pool("cidr=10.0.0.0/14;exclude=10.0.1.0/24");
        Allocation a = new IpAllocator(p).allocate(onHosts(100_000, "h1", "h2", "h3"), Map.of(), Map.of());
        Set<String> unique = new HashSet<>(ips(a));
        assertEquals(100_000, unique.size());
        assertTrue(unique.stream().noneMatch(ip -> ip.startsWith("10.0.1.")));
    }
}
