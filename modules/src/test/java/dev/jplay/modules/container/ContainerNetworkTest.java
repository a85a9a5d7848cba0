package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.runtime.launch.ContainerSpec;
import dev.jplay.runtime.launch.NetworkMode;
import dev.jplay.runtime.network.NetworkAttachment;
import dev.jplay.runtime.network.NetworkException;
import java.util.LinkedHashMap;
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
        assertEquals(new NetworkAttachment("jp-web", "10.88.0.19", 24, "10.88.0.1", null, null, null),
                ContainerNetwork.attachment(instance));
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
