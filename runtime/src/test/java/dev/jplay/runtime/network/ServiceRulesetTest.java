package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The nft text of a fleet service: what kube-proxy's nftables mode would write, in jplay's own table. */
class ServiceRulesetTest {
    private static final FleetService WEB = new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.70", "10.77.0.5"));

    @Test
    void twoTcpBackendsAreSpreadAtRandomOnEveryLocalAddressAndMasqueraded() {
        assertEquals("""
                table ip jplay-svc-web {
                \tcomment "jplay fleet_service web"
                \tchain prerouting {
                \t\ttype nat hook prerouting priority dstnat; policy accept;
                \t\tfib daddr type local tcp dport 80 jump service
                \t}
                \tchain output {
                \t\ttype nat hook output priority -100; policy accept;
                \t\tip daddr != 127.0.0.0/8 fib daddr type local tcp dport 80 jump service
                \t}
                \tchain service {
                \t\tmeta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.77.0.5 . 8080, 1 : 10.77.0.70 . 8080 } \
                comment "jplay fleet_service web target_port 8080 sha256:%s"
                \t}
                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t\tmeta l4proto tcp ct status dnat ct original proto-dst 80 masquerade
                \t}
                }
                """.formatted(ServiceRuleset.hash(WEB)), ServiceRuleset.table(WEB));
    }

    @Test
    void localPolicyMasqueradesOnlyAnInstanceSentBackToItselfSoBackendsSeeTheClient() {
        FleetService local = new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5", "10.77.0.6"), FleetService.LOCAL);
        String table = ServiceRuleset.table(local);
        assertTrue(table.contains("\t\tmeta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.77.0.5 . 8080, 1 : 10.77.0.6 . 8080 }"
                + " comment \"jplay fleet_service web target_port 8080 traffic_policy local sha256:" + ServiceRuleset.hash(local) + "\""), table);
        assertTrue(table.contains("\t\tmeta l4proto tcp ct status dnat ct original proto-dst 80 ip saddr . ip daddr"
                + " { 10.77.0.5 . 10.77.0.5, 10.77.0.6 . 10.77.0.6 } masquerade\n"), table);
        assertTrue(table.contains("fib daddr type local tcp dport 80 jump service"), "accepted on every local address as with cluster");
        assertNotEquals(ServiceRuleset.hash(new FleetService("web", 80, 8080, "tcp", local.backends())), ServiceRuleset.hash(local),
                "the policy is part of what a re-run compares");
        String none = ServiceRuleset.table(new FleetService("web", 80, 8080, "tcp", List.of(), FleetService.LOCAL));
        assertTrue(none.contains("meta l4proto tcp reject with tcp reset comment \"jplay fleet_service web target_port 8080 traffic_policy local"), none);
    }

    @Test
    void clusterIsTheDefaultAndAnythingElseIsRefused() {
        assertEquals(FleetService.CLUSTER, new FleetService("web", 80, 80, "tcp", List.of(), null).trafficPolicy());
        assertEquals(WEB, new FleetService("web", 80, 8080, "tcp", WEB.backends(), "cluster"));
        NetworkException e = assertThrows(NetworkException.class, () -> new FleetService("web", 80, 80, "tcp", List.of(), "Local"));
        assertEquals(NetworkException.BAD_SERVICE, e.code());
        assertTrue(e.getMessage().contains("traffic_policy must be cluster or local, got 'Local'"), e.getMessage());
    }

    @Test
    void oneBackendIsAMapOfOne() {
        String table = ServiceRuleset.table(new FleetService("api", 443, 443, "tcp", List.of("10.0.0.9")));
        assertTrue(table.contains("\t\tmeta l4proto tcp dnat ip to numgen random mod 1 map { 0 : 10.0.0.9 . 443 } comment"), table);
        assertTrue(table.contains("fib daddr type local tcp dport 443 jump service"), table);
    }

    @Test
    void withoutBackendsConnectionsAreRefusedNotBlackHoled() {
        String tcp = ServiceRuleset.table(new FleetService("web", 80, 8080, "tcp", List.of()));
        assertTrue(tcp.contains("\t\tmeta l4proto tcp reject with tcp reset comment \"jplay fleet_service web target_port 8080 sha256:"), tcp);
        String udp = ServiceRuleset.table(new FleetService("dns", 53, 5353, "udp", List.of()));
        assertTrue(udp.contains("\t\tmeta l4proto udp reject comment \"jplay fleet_service dns target_port 5353 sha256:"), udp);
    }

    @Test
    void udpMatchesAndMasqueradesUdp() {
        String udp = ServiceRuleset.table(new FleetService("dns", 53, 5353, "udp", List.of("10.77.0.5", "10.77.0.6", "10.77.0.7")));
        assertTrue(udp.contains("fib daddr type local udp dport 53 jump service"), udp);
        assertTrue(udp.contains("meta l4proto udp dnat ip to numgen random mod 3 map { 0 : 10.77.0.5 . 5353, 1 : 10.77.0.6 . 5353, "
                + "2 : 10.77.0.7 . 5353 }"), udp);
        assertTrue(udp.contains("meta l4proto udp ct status dnat ct original proto-dst 53 masquerade"), udp);
    }

    @Test
    void replacingIsOneTransactionThatAlsoWorksWithoutTheTable() {
        assertEquals("table ip jplay-svc-web {\n}\ndelete table ip jplay-svc-web\n" + ServiceRuleset.table(WEB), ServiceRuleset.replace(WEB));
        assertEquals("table ip jplay-svc-web {\n}\ndelete table ip jplay-svc-web\n", ServiceRuleset.delete("web"));
    }

    @Test
    void theHashFollowsEverythingTheRulesSayButNotTheBackendsOrder() {
        String hash = ServiceRuleset.hash(WEB);
        assertTrue(hash.matches("[0-9a-f]{16}"), hash);
        assertEquals(hash, ServiceRuleset.hash(new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5", "10.77.0.70", "10.77.0.5"))));
        for (FleetService other : List.of(new FleetService("web", 81, 8080, "tcp", WEB.backends()),
                new FleetService("web", 80, 8081, "tcp", WEB.backends()), new FleetService("web", 80, 8080, "udp", WEB.backends()),
                new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5")), new FleetService("web2", 80, 8080, "tcp", WEB.backends()))) {
            assertNotEquals(hash, ServiceRuleset.hash(other), other.toString());
        }
    }

    @Test
    void namesPortsProtocolsAndBackendsAreChecked() {
        assertEquals("jplay-svc-a-1", new FleetService("a-1", 1, 65535, "udp", List.of()).table());
        assertEquals(List.of("9.0.0.1", "10.0.0.2", "10.0.0.10"),
                new FleetService("x", 1, 1, "tcp", List.of("10.0.0.10", "9.0.0.1", "10.0.0.2")).backends(), "sorted by address, not text");
        for (Runnable bad : List.<Runnable>of(
                () -> new FleetService("Web", 80, 80, "tcp", List.of()),
                () -> new FleetService("-web", 80, 80, "tcp", List.of()),
                () -> new FleetService("a".repeat(32), 80, 80, "tcp", List.of()),
                () -> new FleetService("web;drop", 80, 80, "tcp", List.of()),
                () -> new FleetService("web", 0, 80, "tcp", List.of()),
                () -> new FleetService("web", 80, 65536, "tcp", List.of()),
                () -> new FleetService("web", 80, 80, "sctp", List.of()),
                () -> new FleetService("web", 80, 80, "tcp", List.of("10.0.0.256")),
                () -> new FleetService("web", 80, 80, "tcp", List.of("web-1.local")))) {
            NetworkException e = assertThrows(NetworkException.class, bad::run);
            assertEquals(NetworkException.BAD_SERVICE, e.code());
        }
        assertEquals(31, new FleetService("a".repeat(31), 80, 80, "tcp", List.of()).name().length());
    }
}
