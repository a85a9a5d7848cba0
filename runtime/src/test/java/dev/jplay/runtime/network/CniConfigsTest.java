package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin configurations and result parsing, without running plugins. */
class CniConfigsTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final CniConfigs configs = new CniConfigs();

    private JsonNode tree(Map<String, Object> config) {
        return mapper.valueToTree(config);
    }

    private static Map<String, Object> parse(String json) throws Exception {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bridgeConfigPinsTheAddressWithStaticIpam() throws Exception {
        JsonNode config = tree(configs.bridge(NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1")));
        JsonNode expected = mapper.readTree("""
                {"cniVersion":"1.0.0","name":"jplay-jplay0","type":"bridge","bridge":"jplay0","isGateway":true,"forceAddress":true,
                 "ipMasq":false,"hairpinMode":true,
                 "ipam":{"type":"static","addresses":[{"address":"10.88.0.23/24","gateway":"10.88.0.1"}],
                         "routes":[{"dst":"0.0.0.0/0"}]}}""");
        assertEquals(expected, config);
    }

    @Test
    void ipv6AndMtuAreAddedWhenGiven() {
        JsonNode config = tree(configs.bridge(NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1")
                .withBridge("br1").withMtu(1400).withIpv6("fd00:88::23/64", "fd00:88::1")));
        assertEquals(1400, config.path("mtu").asInt());
        assertEquals("br1", config.path("bridge").asText());
        JsonNode v6 = config.path("ipam").path("addresses").get(1);
        assertEquals("fd00:88::23/64", v6.path("address").asText());
        assertEquals("fd00:88::1", v6.path("gateway").asText());
        assertEquals("::/0", config.path("ipam").path("routes").get(1).path("dst").asText());
    }

    @Test
    void checkGetsThePreviousResultWithoutChangingTheConfig() throws Exception {
        Map<String, Object> config = configs.bridge(NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1"));
        JsonNode check = tree(configs.withPrevResult(config, parse("{\"cniVersion\":\"1.0.0\"}")));
        assertEquals("1.0.0", check.path("prevResult").path("cniVersion").asText());
        assertFalse(config.containsKey("prevResult"));
    }

    @Test
    void resultParsingFindsContainerInterfaceAndHostVeth() throws Exception {
        Map<String, Object> result = parse("""
                {"cniVersion":"1.0.0","interfaces":[{"name":"jplay0","mac":"7e:54:ff:a3:a2:d1"},
                  {"name":"vethc3c619d5","mac":"ee:92:d2:96:6a:aa"},
                  {"name":"eth0","mac":"6a:37:f4:af:33:5f","sandbox":"/var/lib/jplay/network/netns/web"}],
                 "ips":[{"interface":2,"address":"10.88.0.23/24","gateway":"10.88.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{}}""");
        CniResult parsed = CniResult.parse(result, "eth0", "jplay0");
        assertEquals(new CniResult("eth0", "6a:37:f4:af:33:5f", List.of("10.88.0.23/24"), "vethc3c619d5"), parsed);
        NetworkException e = assertThrows(NetworkException.class, () -> CniResult.parse(result, "eth1", "jplay0"));
        assertEquals("PLUGIN_FAILED", e.code());
    }

    @Test
    void missingPluginIsReportedBeforeAnythingIsCreated(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("cni"));
        // bridge and loopback present (never run: the check comes first), the IPAM plugin bridge delegates to is not
        for (String p : List.of("bridge", "loopback")) {
            Files.writeString(plugins.resolve(p), "#!/bin/sh\nexit 1\n");
            plugins.resolve(p).toFile().setExecutable(true);
        }
        CniNetworks networks = new CniNetworks(tmp.resolve("state"), List.of(plugins));
        NetworkException e = assertThrows(NetworkException.class,
                () -> networks.attach("web", NetworkAttachment.of("10.250.9.23", 24, "10.250.9.1").withBridge("jpnomiss0")));
        assertEquals("PLUGIN_MISSING", e.code());
        assertEquals("static", e.detail().get("plugin"));
        assertEquals(plugins.toString(), e.detail().get("cni_path"));
        assertFalse(Files.exists(networks.netnsPath("web")));

        CniNetworks empty = new CniNetworks(tmp.resolve("state"), List.of(tmp.resolve("no-such-dir")));
        assertEquals("bridge", assertThrows(NetworkException.class,
                () -> empty.attach("web", NetworkAttachment.of("10.250.9.23", 24, "10.250.9.1"))).detail().get("plugin"));
        assertNull(empty.attachments().get("web"));
    }

    @Test
    void masqueradeIsTheBridgePluginsIpMasq() {
        NetworkAttachment a = NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1");
        assertEquals(false, tree(configs.bridge(a)).path("ipMasq").asBoolean(true));
        assertEquals(true, tree(configs.bridge(a.withMasquerade(true))).path("ipMasq").asBoolean(false));
    }

    @Test
    void portmapIsChainedAfterTheBridgeWithItsResultAndTheMappings() throws Exception {
        NetworkAttachment a = NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1").withBridge("jp-web")
                .withPorts(PublishedPorts.parse(List.of("8080:80", "127.0.0.1:5353:53/udp")));
        JsonNode add = tree(configs.portmap(a, parse("{\"cniVersion\":\"1.0.0\",\"ips\":[]}")));
        JsonNode expected = mapper.readTree("""
                {"cniVersion":"1.0.0","name":"jplay-jp-web","type":"portmap","capabilities":{"portMappings":true},"snat":true,
                 "runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},
                                                  {"hostPort":5353,"containerPort":53,"protocol":"udp","hostIP":"127.0.0.1"}]},
                 "prevResult":{"cniVersion":"1.0.0","ips":[]}}""");
        assertEquals(expected, add);
        assertTrue(tree(configs.portmap(a, null)).path("prevResult").isMissingNode(), "DEL finds its chains by container ID");
    }

    @Test
    void portsAndMasqueradeSurviveTheRecordAndOldRecordsReadAsBefore() throws Exception {
        NetworkAttachment a = NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1").withMasquerade(true)
                .withPorts(PublishedPorts.parse(List.of("8000-8001:80-81/udp")));
        assertEquals(a, NetworkAttachment.fromJson(parse(Json.writeString(a.toJson()))));
        NetworkAttachment old = NetworkAttachment.fromJson(parse(
                "{\"bridge\":\"jplay0\",\"ip\":\"10.88.0.23\",\"prefix_len\":24,\"gateway\":\"10.88.0.1\"}"));
        assertFalse(old.masquerade(), "written when the bridge plugin ran with ipMasq false");
        assertEquals(List.of(), old.ports());
    }
}
