package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.runtime.launch.ContainerSpec;
import dev.jplay.runtime.launch.NetworkMode;
import dev.jplay.runtime.network.NetworkAttachment;
import dev.jplay.runtime.network.NetworkException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerNetworkTest {

    @Test
    void anItemOfJplayInstancesIsANetworkAsIs() throws Exception {
        Map<String, Object> instance = new LinkedHashMap<>();
        instance.put("index", 17);
        instance.put("name", "web-17");
        instance.put("host", "node3");
        instance.put("app", "web");
        instance.put("ip", "10.88.0.19");
        instance.put("prefix_len", 24);
        instance.put("gateway", "10.88.0.1");
        instance.put("pool", "web");
        instance.put("bridge", "jp-web");
        instance.put("masquerade", true);
        assertEquals(new NetworkAttachment("jp-web", "10.88.0.19", 24, "10.88.0.1", null, null, null).withMasquerade(true),
                ContainerNetwork.attachment(instance));
        instance.put("masquerade", "False"); // a pool with masquerade: false, through a template
        assertFalse(ContainerNetwork.attachment(instance).masquerade());
        instance.remove("masquerade");
        assertTrue(ContainerNetwork.attachment(instance).masquerade(), "on by default, as Docker's bridge");
        instance.put("masquerade", "sometimes");
        assertEquals("ARG_TYPE", assertThrows(ModuleException.class, () -> ContainerNetwork.attachment(instance)).code());
    }

    @Test
    void publishedPortsBelongToTheAttachmentSoChangingThemRecreates() throws Exception {
        Map<String, Object> net = Map.of("ip", "10.88.0.2", "prefix_len", 24, "gateway", "10.88.0.1");
        ContainerNetwork one = ContainerNetwork.of(Contexts.args("container", "name", "w", "network", net,
                "published_ports", List.of("8080:80", "127.0.0.1:9090:9090/udp")), Contexts.normal(), "w");
        ContainerNetwork other = ContainerNetwork.of(Contexts.args("container", "name", "w", "network", net,
                "published_ports", "8081:80"), Contexts.normal(), "w");
        ModuleResult.Builder out = ModuleResult.changed(false);
        one.report(out);
        Map<?, ?> reported = (Map<?, ?>) out.build().data().get("network");
        assertEquals(List.of("8080:80/tcp", "127.0.0.1:9090:9090/udp"), reported.get("published_ports"));
        assertEquals(true, reported.get("masquerade"));
        assertEquals("10.88.0.2/24 via 10.88.0.1 on jplay0 ports 8080:80/tcp,127.0.0.1:9090:9090/udp",
                ContainerNetwork.describe(ContainerNetwork.attachment(net).withPorts(
                        dev.jplay.runtime.network.PublishedPorts.parse(List.of("8080:80", "127.0.0.1:9090:9090/udp")))));
        ModuleResult.Builder out2 = ModuleResult.changed(false);
        other.report(out2);
        assertEquals(List.of("8081:80/tcp"), ((Map<?, ?>) out2.build().data().get("network")).get("published_ports"));

        ModuleException bad = assertThrows(ModuleException.class, () -> ContainerNetwork.of(Contexts.args("container", "name", "w",
                "network", net, "published_ports", List.of("80")), Contexts.normal(), "w"));
        assertEquals("args", bad.step().id());
        assertEquals(NetworkException.BAD_PORT, bad.code());
        assertEquals("80", bad.detailMap().get("published_port"));
    }

    @Test
    void publishedPortsAreDiscardedWithAWarningOnTheHostNetworkAndRefusedWithoutANetwork() throws Exception {
        ContainerNetwork host = ContainerNetwork.of(Contexts.args("container", "name", "w", "network_mode", "host",
                "published_ports", List.of("8080:80")), Contexts.normal(), "w");
        assertFalse(host.wanted());
        List<String> warnings = host.withWarnings(List.of());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("published_ports are discarded with network_mode host"), warnings.get(0));
        ModuleException none = assertThrows(ModuleException.class, () -> ContainerNetwork.of(Contexts.args("container", "name", "w",
                "published_ports", List.of("8080:80")), Contexts.normal(), "w"));
        assertEquals("ARG_CONFLICT", none.code());
        assertTrue(none.getMessage().contains("published_ports need a network"), none.getMessage());
    }

    @Test
    void renderedTemplatesGiveNumbersAsText() throws Exception {
        NetworkAttachment a = ContainerNetwork.attachment(Map.of("ip", "10.88.0.19", "prefix_len", "24", "gateway", "10.88.0.1",
                "mtu", "1400"));
        assertEquals(24, a.prefixLen());
        assertEquals(1400, a.mtu());
        assertEquals(NetworkAttachment.DEFAULT_BRIDGE, a.bridge(), "no bridge: the runtime's default");
        assertNull(ContainerNetwork.attachment(null));
    }

    @Test
    void badNetworksFailAtArgsNamingTheProblem() {
        assertArgsFailure("ARG_TYPE", "10.88.0.19", "mapping");
        assertArgsFailure("ARG_MISSING", Map.of("ip", "10.88.0.19", "prefix_len", 24), "gateway");
        assertArgsFailure("ARG_UNKNOWN", Map.of("ip", "10.88.0.19", "prefix_len", 24, "gateway", "10.88.0.1", "gw", "x"), "'gw'");
        assertArgsFailure("ARG_TYPE", Map.of("ip", "10.88.0.19", "prefix_len", "wide", "gateway", "10.88.0.1"), "prefix_len");
        // Validated by the runtime's NetworkAttachment; its code is kept.
        assertArgsFailure(NetworkException.BAD_ATTACHMENT, Map.of("ip", "10.88.1.19", "prefix_len", 24, "gateway", "10.88.0.1"),
                "not in 10.88.1.19/24");
    }

    @Test
    void theSpecJoinsTheContainersOwnNamespace() throws Exception {
        ContainerNetwork network = ContainerNetwork.of(Contexts.args("container", "name", "web-1",
                "network", Map.of("ip", "10.88.0.2", "prefix_len", 24, "gateway", "10.88.0.1")), Contexts.normal(), "web-1");
        ContainerSpec spec = network.applyTo(ContainerSpec.builder("web-1").build());
        assertEquals(NetworkMode.Kind.PATH, spec.networkMode().kind());
        assertEquals("/nonexistent-state/network/netns/web-1", spec.networkMode().namespacePath());

        ContainerNetwork none = ContainerNetwork.of(Contexts.args("container", "name", "web-1"), Contexts.normal(), "web-1");
        ContainerSpec plain = ContainerSpec.builder("web-1").build();
        assertSame(plain, none.applyTo(plain), "without network the spec is left alone");
    }

    @Test
    void networkAndNetworkModeExcludeEachOther() {
        ModuleException e = assertThrows(ModuleException.class, () -> ContainerNetwork.of(Contexts.args("container", "name", "w",
                "network_mode", "host", "network", Map.of("ip", "10.88.0.2", "prefix_len", 24, "gateway", "10.88.0.1")),
                Contexts.normal(), "w"));
        assertEquals("ARG_CONFLICT", e.code());
    }

    @Test
    void networkFailuresKeepTheCniCodeAndDetails() {
        NetworkException cni = new NetworkException(NetworkException.IP_IN_USE, "10.88.0.2 is already attached to container 'web-3'")
                .detail("ip", "10.88.0.2").detail("container", "web-3");
        ModuleException m = ContainerNetwork.failure(cni, "web-4");
        assertEquals("network", m.step().id());
        assertEquals("IP_IN_USE", m.code());
        assertTrue(m.getMessage().startsWith("container web-4: "), m.getMessage());
        assertEquals("10.88.0.2", m.detailMap().get("ip"));
        assertEquals("web-4", m.detailMap().get("container"), "the failing container");
        assertEquals("web-3", m.detailMap().get("other_container"), "the holder of the IP");
    }

    private static void assertArgsFailure(String code, Object network, String mentions) {
        ModuleException e = assertThrows(ModuleException.class, () -> ContainerNetwork.attachment(network));
        assertEquals("args", e.step().id());
        assertEquals(code, e.code());
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
    }
}
