package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A service read back from {@code nft -j list table} (fixtures: nft 1.0.6's output for tables jplay wrote) and the
 * decision to rewrite it.
 */
class InstalledServiceTest {
    private static final FleetService WEB = new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5", "10.77.0.70"));
    private static final FleetService DNS = new FleetService("dns", 53, 5353, "udp", List.of());

    private static Map<String, Object> fixture(String name) throws Exception {
        try (InputStream in = InstalledServiceTest.class.getResourceAsStream(name)) {
            return Json.parseObject(in.readAllBytes());
        }
    }

    @Test
    void theKernelsRulesGiveBackTheServiceAndTheHashOfWhatWasWritten() throws Exception {
        InstalledService web = InstalledService.parse("web", fixture("nft-service-web-2-backends.json")).orElseThrow();
        assertEquals(WEB, web.service());
        assertEquals(ServiceRuleset.hash(WEB), web.hash(), "the generator still writes what the fixture holds");
        assertTrue(web.matches(WEB), "same rules: nothing to do");
        assertTrue(web.matches(new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.70", "10.77.0.5"))), "order does not matter");
        assertFalse(web.matches(new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5"))), "a backend less");
        assertFalse(web.matches(new FleetService("web", 80, 9090, "tcp", WEB.backends())), "another target port");
        assertFalse(web.matches(new FleetService("web", 80, 8080, "udp", WEB.backends())), "another protocol");
    }

    @Test
    void withoutBackendsTheTargetPortComesFromTheComment() throws Exception {
        InstalledService dns = InstalledService.parse("dns", fixture("nft-service-dns-no-backend.json")).orElseThrow();
        assertEquals(DNS, dns.service());
        assertTrue(dns.matches(DNS));
    }

    @Test
    void aTableEditedByHandIsRewrittenEvenWhenItsComment() throws Exception {
        Map<String, Object> listing = fixture("nft-service-web-2-backends.json");
        // An extra rule in the prerouting chain (nft add rule ... by hand): the comment's hash no longer vouches for it.
        List<Object> items = new ArrayList<>(list(listing.get("nftables")));
        items.add(Map.of("rule", Map.of("family", "ip", "table", "jplay-svc-web", "chain", "prerouting", "handle", 99,
                "expr", List.of(Map.of("accept", Map.of())))));
        Optional<InstalledService> edited = InstalledService.parse("web", Map.of("nftables", items));
        assertEquals(WEB, edited.orElseThrow().service());
        assertNull(edited.get().hash());
        assertFalse(edited.get().matches(WEB));
    }

    @Test
    void aTableThatSaysNoPortIsNotAService() {
        assertEquals(Optional.empty(), InstalledService.parse("web", Map.of("nftables", List.of(
                Map.of("table", Map.of("family", "ip", "name", "jplay-svc-web", "handle", 1))))));
        assertEquals(Optional.empty(), InstalledService.parse("web", Map.of()));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }
}
