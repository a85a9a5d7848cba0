package dev.jplay.modules.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.runtime.network.FleetService;
import dev.jplay.runtime.network.InstalledService;
import dev.jplay.runtime.network.NetworkAttachment;
import dev.jplay.runtime.network.PublishedPorts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** fleet_service's arguments: checked (step args) before nft is run or the ruleset read. */
class FleetServiceModuleTest {

    private static ModuleException failure(Object... args) {
        return assertThrows(ModuleException.class, () -> new FleetServiceModule().run(Contexts.args("fleet_service", args), Contexts.check()));
    }

    @Test
    void theArgumentsBecomeAServiceWithDefaults() throws Exception {
        FleetService s = FleetServiceModule.spec(Contexts.args("fleet_service", "name", "web", "port", "80",
                "backends", List.of("10.77.0.70", " 10.77.0.5")));
        assertEquals(new FleetService("web", 80, 80, "tcp", List.of("10.77.0.5", "10.77.0.70")), s,
                "target_port defaults to port, protocol to tcp; numbers may come as text");
        assertEquals(Map.of("name", "web", "port", 80, "target_port", 80, "protocol", "tcp", "backends", List.of("10.77.0.5", "10.77.0.70"),
                "traffic_policy", "cluster"), FleetServiceModule.describe(s));
        FleetService local = FleetServiceModule.spec(Contexts.args("fleet_service", "name", "web", "port", 80, "backends", List.of("10.77.0.5"),
                "traffic_policy", "local"));
        assertEquals(new FleetService("web", 80, 80, "tcp", List.of("10.77.0.5"), FleetService.LOCAL), local);
        assertEquals("local", FleetServiceModule.describe(local).get("traffic_policy"));
        assertEquals(List.of(), FleetServiceModule.spec(Contexts.args("fleet_service", "name", "web", "port", 80, "target_port", 8080,
                "protocol", "udp", "backends", List.of())).backends(), "no backend is a service that refuses");
    }

    @Test
    void badArgumentsAreArgsErrorsNamingWhatIsWrong() {
        ModuleException name = failure("name", "Web_1", "port", 80);
        assertEquals("args", name.step().id());
        assertEquals("BAD_SERVICE", name.code());
        assertTrue(name.getMessage().contains("[a-z0-9][a-z0-9-]{0,30}, got 'Web_1'"), name.getMessage());
        assertEquals("BAD_SERVICE", failure("name", "web", "port", 80, "protocol", "sctp").code());
        ModuleException policy = failure("name", "web", "port", 80, "traffic_policy", "nearest");
        assertEquals("BAD_SERVICE", policy.code());
        assertTrue(policy.getMessage().contains("traffic_policy must be cluster or local, got 'nearest'"), policy.getMessage());
        assertEquals("BAD_SERVICE", failure("name", "web", "port", 70000).code());
        assertEquals("BAD_SERVICE", failure("name", "web", "port", 80, "backends", List.of("10.0.0.1", "db.local")).code());
        assertEquals("ARG_TYPE", failure("name", "web", "port", 80, "backends", "10.0.0.1").code());
        assertEquals("ARG_TYPE", failure("name", "web", "port", "eighty").code());
        assertEquals("ARG_MISSING", failure("port", 80).code());
        assertEquals("ARG_MISSING", failure("name", "web").code());
        assertEquals("ARG_UNKNOWN", failure("name", "web", "port", 80, "targetPort", 8080).code());
        assertEquals("BAD_SERVICE", failure("name", "web", "state", "started").code());
        assertEquals("BAD_SERVICE", failure("name", "../x", "state", "absent").code());
        assertEquals("ARG_CONFLICT", failure("name", "web", "state", "query").code(), "a query lists every service");
    }

    @Test
    void aContainersPublishedPortTakesTheServicesPortUnlessOnLoopbackOnly() {
        FleetService web = new FleetService("web", 8080, 80, "tcp", List.of());
        NetworkAttachment a = NetworkAttachment.of("10.88.0.2", 24, "10.88.0.1");
        Map<String, NetworkAttachment> attachments = new java.util.LinkedHashMap<>();
        attachments.put("api", a.withPorts(PublishedPorts.parse(List.of("8080:80", "9090:90"))));
        attachments.put("local", a.withPorts(PublishedPorts.parse(List.of("127.0.0.1:8080:80"))));
        attachments.put("udp", a.withPorts(PublishedPorts.parse(List.of("8080:80/udp"))));
        attachments.put("plain", a);
        assertEquals(List.of("container api (published port 8080:80/tcp)"), FleetServiceModule.publishing(web, attachments));
        assertEquals(List.of(), FleetServiceModule.publishing(new FleetService("web", 8081, 80, "tcp", List.of()), attachments));
    }

    @Test
    void udpFlowsAreForgottenForBackendsTheServiceNoLongerSendsTo() {
        FleetService dns = new FleetService("dns", 53, 5353, "udp", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
        Optional<InstalledService> installed = Optional.of(new InstalledService(dns, "0123456789abcdef"));
        assertEquals(List.of("10.0.0.2"), FleetServiceModule.staleUdpBackends(installed,
                new FleetService("dns", 53, 5353, "udp", List.of("10.0.0.1", "10.0.0.3", "10.0.0.4"))));
        assertEquals(List.of(), FleetServiceModule.staleUdpBackends(installed, dns));
        assertEquals(dns.backends(), FleetServiceModule.staleUdpBackends(installed, null), "the service goes");
        assertEquals(dns.backends(), FleetServiceModule.staleUdpBackends(installed,
                new FleetService("dns", 53, 53, "udp", dns.backends())), "another target port: every flow goes to the old one");
        assertEquals(List.of(), FleetServiceModule.staleUdpBackends(Optional.of(new InstalledService(
                new FleetService("web", 80, 80, "tcp", List.of("10.0.0.1")), null)), null), "TCP connections drain");
        assertEquals(List.of(), FleetServiceModule.staleUdpBackends(Optional.empty(), dns));
    }
}
