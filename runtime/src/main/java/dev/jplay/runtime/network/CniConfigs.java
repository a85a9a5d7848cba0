package dev.jplay.runtime.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The CNI network configurations jplay feeds to the plugins for one attachment: {@code bridge} with {@code static}
 * IPAM (the controller picked the IP; nothing is allocated on the host), and {@code loopback} so {@code lo} is up.
 */
final class CniConfigs {
    static final String CNI_VERSION = "1.0.0";
    static final String BRIDGE = "bridge";
    static final String STATIC = "static";
    static final String LOOPBACK = "loopback";

    private final ObjectMapper mapper;

    CniConfigs(ObjectMapper mapper) { this.mapper = mapper; }

    /**
     * isGateway puts the gateway address on the bridge, so the host reaches its containers; ipMasq stays off
     * (jplay never rewrites iptables); hairpin stays off (no port mapping back into the same bridge). forceAddress:
     * a bridge carries one IPv4 subnet, and an attachment with another gateway moves it there (the plugin would
     * otherwise refuse), as re-addressing a pool does; containers still on the old subnet lose their gateway until
     * they are re-addressed too.
     */
    ObjectNode bridge(NetworkAttachment a) {
        ObjectNode config = mapper.createObjectNode()
                .put("cniVersion", CNI_VERSION)
                .put("name", "jplay-" + a.bridge())
                .put("type", BRIDGE)
                .put("bridge", a.bridge())
                .put("isGateway", true)
                .put("forceAddress", true)
                .put("ipMasq", false)
                .put("hairpinMode", false);
        if (a.mtu() != null) config.put("mtu", a.mtu());
        ObjectNode ipam = config.putObject("ipam").put("type", STATIC);
        ArrayNode addresses = ipam.putArray("addresses");
        addresses.addObject().put("address", a.cidr()).put("gateway", a.gateway());
        ArrayNode routes = ipam.putArray("routes");
        routes.addObject().put("dst", "0.0.0.0/0");
        if (a.ipv6() != null) {
            ObjectNode v6 = addresses.addObject().put("address", a.ipv6());
            if (a.ipv6Gateway() != null) {
                v6.put("gateway", a.ipv6Gateway());
                routes.addObject().put("dst", "::/0");
            }
        }
        return config;
    }

    ObjectNode loopback() {
        return mapper.createObjectNode()
                .put("cniVersion", CNI_VERSION)
                .put("name", "jplay-lo")
                .put("type", LOOPBACK);
    }

    /** The same configuration with the ADD result as {@code prevResult}, which CHECK requires. */
    ObjectNode withPrevResult(ObjectNode config, com.fasterxml.jackson.databind.JsonNode result) {
        ObjectNode copy = config.deepCopy();
        copy.set("prevResult", result);
        return copy;
    }
}
