package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkAttachmentTest {
    private static NetworkAttachment read(String json) throws Exception {
        return NetworkAttachment.fromJson(Json.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsWhatTheControllerSendsPerContainer() throws Exception {
        NetworkAttachment a = read(
                "{\"ip\": \"10.88.0.23\", \"prefix_len\": 24, \"gateway\": \"10.88.0.1\", \"bridge\": \"jplay0\"}");
        assertEquals(NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1"), a);
        assertEquals("10.88.0.23/24", a.cidr());
        assertEquals("10.88.0.0/24", a.subnet());
        assertNull(a.mtu());
    }

    @Test
    void bridgeDefaultsToJplay0AndJsonRoundTrips() throws Exception {
        NetworkAttachment a = read("{\"ip\":\"10.1.2.3\",\"prefix_len\":16,\"gateway\":\"10.1.0.1\"}");
        assertEquals("jplay0", a.bridge());
        NetworkAttachment full = a.withBridge("br-apps").withMtu(1400).withIpv6("fd00:1::3/64", "fd00:1::1");
        String json = Json.writeString(full.toJson());
        assertTrue(json.contains("\"prefix_len\":16") && json.contains("\"ipv6_gateway\":\"fd00:1::1\""), json);
        assertEquals(full, read(json));
        assertEquals("10.1.0.0/16", full.subnet());
    }

    @ParameterizedTest(name = "{0}/{1} gw {2} bridge {3}")
    @CsvSource({
            "10.88.0.300, 24, 10.88.0.1, jplay0, ip must be an IPv4 address",
            "web.example, 24, 10.88.0.1, jplay0, ip must be an IPv4 address",
            "10.88.0.23, 24, 10.88.1.1, jplay0, is not in 10.88.0.23/24",
            "10.88.0.1, 24, 10.88.0.1, jplay0, ip and gateway are both",
            "10.88.0.255, 24, 10.88.0.1, jplay0, network or broadcast",
            "10.88.0.0, 24, 10.88.0.1, jplay0, network or broadcast",
            "10.88.0.23, 31, 10.88.0.22, jplay0, prefix_len must be 8..30",
            "10.88.0.23, 24, 10.88.0.1, a-bridge-name-too-long, bridge must be a Linux interface name",
            "10.88.0.23, 24, 10.88.0.1, 'br 0', bridge must be a Linux interface name",
    })
    void rejectsBadAttachments(String ip, int prefix, String gateway, String bridge, String message) {
        NetworkException e = assertThrows(NetworkException.class,
                () -> new NetworkAttachment(bridge, ip, prefix, gateway, null, null, null));
        assertEquals("BAD_ATTACHMENT", e.code());
        assertEquals("network", e.step().id());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void rejectsBadIpv6AndMtu() {
        NetworkAttachment a = NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1");
        assertTrue(assertThrows(NetworkException.class, () -> a.withIpv6("fd00::23", null)).getMessage().contains("prefix length"));
        assertTrue(assertThrows(NetworkException.class, () -> a.withIpv6("10.0.0.1/64", null)).getMessage().contains("IPv6"));
        assertTrue(assertThrows(NetworkException.class, () -> a.withIpv6("fd00::23/129", null)).getMessage().contains("prefix length"));
        assertTrue(assertThrows(NetworkException.class,
                () -> new NetworkAttachment(null, "10.88.0.23", 24, "10.88.0.1", null, "fd00::1", null)).getMessage().contains("needs ipv6"));
        assertTrue(assertThrows(NetworkException.class, () -> a.withMtu(100)).getMessage().contains("mtu"));
    }
}
