package dev.jplay.runtime.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CNI network configurations jplay feeds to the plugins for one attachment: {@code bridge} with {@code static}
 * IPAM (the controller picked the IP; nothing is allocated on the host), {@code loopback} so {@code lo} is up, and
 * {@code portmap} chained after {@code bridge} (its ADD result as {@code prevResult}) when ports are published.
 */
final class CniConfigs {
    static final String CNI_VERSION = "1.0.0";
    static final String BRIDGE = "bridge";
    static final String STATIC = "static";
    static final String LOOPBACK = "loopback";
    static final String PORTMAP = "portmap";

    /**
     * isGateway puts the gateway address on the bridge, so the host reaches its containers; ipMasq (when the
     * attachment masquerades) adds the plugin's own per-container nat chain: traffic leaving the subnet gets the host's
     * address, as Docker's bridge does. hairpinMode: a fleet service's instance that calls the service and is picked
     * itself must get its own connection back; with bridge netfilter the DNATed frame is bridged back out of the port
     * it came in by, which the bridge does only in hairpin mode (kubelet's hairpin-veth for the same reason; the
     * plugin keeps DAD off, so the reflected multicast does not fail IPv6 addresses). forceAddress:
     * a bridge carries one IPv4 subnet, and an attachment with another gateway moves it there (the plugin would
     * otherwise refuse), as re-addressing a pool does; containers still on the old subnet lose their gateway until
     * they are re-addressed too.
     */
    Map<String, Object> bridge(NetworkAttachment a) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("cniVersion", CNI_VERSION);
        config.put("name", "jplay-" + a.bridge());
        config.put("type", BRIDGE);
        config.put("bridge", a.bridge());
        config.put("isGateway", true);
        config.put("forceAddress", true);
        config.put("ipMasq", a.masquerade());
        config.put("hairpinMode", true);
        if (a.mtu() != null) config.put("mtu", a.mtu());
        List<Map<String, Object>> addresses = new ArrayList<>();
        addresses.add(entry("address", a.cidr(), "gateway", a.gateway()));
        List<Map<String, Object>> routes = new ArrayList<>();
        routes.add(entry("dst", "0.0.0.0/0"));
        if (a.ipv6() != null) {
            if (a.ipv6Gateway() != null) {
                addresses.add(entry("address", a.ipv6(), "gateway", a.ipv6Gateway()));
                routes.add(entry("dst", "::/0"));
            } else {
                addresses.add(entry("address", a.ipv6()));
            }
        }
        Map<String, Object> ipam = new LinkedHashMap<>();
        ipam.put("type", STATIC);
        ipam.put("addresses", addresses);
        ipam.put("routes", routes);
        config.put("ipam", ipam);
        return config;
    }

    /**
     * The portmap plugin for {@code a}'s published ports, chained after the bridge plugin whose ADD gave
     * {@code bridgeResult} (null for DEL, which finds its chains by container ID). snat: connections to a mapped port
     * from the host itself (127.0.0.1 or its own address) are masqueraded so replies come back through the host.
     */
    Map<String, Object> portmap(NetworkAttachment a, Map<String, Object> bridgeResult) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("cniVersion", CNI_VERSION);
        config.put("name", "jplay-" + a.bridge());
        config.put("type", PORTMAP);
        config.put("capabilities", Map.of("portMappings", true));
        config.put("snat", true);
        config.put("runtimeConfig", Map.of("portMappings", a.ports().stream().map(PortMapping::toCni).toList()));
        if (bridgeResult != null) config.put("prevResult", bridgeResult);
        return config;
    }

    Map<String, Object> loopback() {
        return entry("cniVersion", CNI_VERSION, "name", "jplay-lo", "type", LOOPBACK);
    }

    /** The same configuration with the ADD result as {@code prevResult}, which CHECK requires. */
    Map<String, Object> withPrevResult(Map<String, Object> config, Map<String, Object> result) {
        Map<String, Object> copy = new LinkedHashMap<>(config);
        copy.put("prevResult", result);
        return copy;
    }

    /** An object of string fields in the given order: name, value, name, value... */
    private static Map<String, Object> entry(String... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) m.put(namesAndValues[i], namesAndValues[i + 1]);
        return m;
    }
}
