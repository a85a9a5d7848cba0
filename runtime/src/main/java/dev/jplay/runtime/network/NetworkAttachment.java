package dev.jplay.runtime.network;

import dev.jplay.protocol.Json;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where one container sits on its host's bridge, as the controller sends it per container:
 * {@code {"ip": "10.88.0.23", "prefix_len": 24, "gateway": "10.88.0.1", "bridge": "jplay0"}}.
 *
 * <p>The gateway address ends up on the bridge (the host's side of the subnet); the container gets {@code ip} on
 * {@code eth0} and a default route via the gateway.
 *
 * @param bridge Linux bridge on the host, created on first use; null = {@value #DEFAULT_BRIDGE}
 * @param ip the container's IPv4 address (no prefix)
 * @param prefixLen IPv4 prefix length of the bridge subnet, 8..30
 * @param gateway the bridge's IPv4 address, inside the subnet, not {@code ip}
 * @param ipv6 optional IPv6 address with prefix, e.g. {@code fd00:88::23/64}
 * @param ipv6Gateway optional IPv6 gateway (the bridge's IPv6 address); only with {@code ipv6}
 * @param mtu optional MTU of the bridge and the veth pair; null = the plugin's default (1500)
 * @param masquerade outbound traffic to addresses off the bridge's subnet leaves with the host's address (the bridge
 *     plugin's {@code ipMasq}, as Docker's default bridge does); false: it leaves with the container's own IP
 * @param ports published ports (the {@code portmap} plugin, chained after {@code bridge}); empty for none
 */
public record NetworkAttachment(
        String bridge,
        String ip,
        int prefixLen,
        String gateway,
        String ipv6,
        String ipv6Gateway,
        Integer mtu,
        boolean masquerade,
        List<PortMapping> ports) {

    public static final String DEFAULT_BRIDGE = "jplay0";
    // Linux IFNAMSIZ is 16 including the NUL.
    private static final Pattern INTERFACE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}");

    public NetworkAttachment {
        bridge = bridge == null || bridge.isBlank() ? DEFAULT_BRIDGE : bridge;
        if (!INTERFACE_NAME.matcher(bridge).matches()) {
            throw bad("bridge must be a Linux interface name (1-15 of [a-zA-Z0-9_.-]), got '" + bridge + "'");
        }
        if (!Ipv4.isLiteral(ip)) throw bad("ip must be an IPv4 address like 10.88.0.23, got '" + ip + "'");
        if (prefixLen < 8 || prefixLen > 30) throw bad("prefix_len must be 8..30, got " + prefixLen);
        if (!Ipv4.isLiteral(gateway)) throw bad("gateway must be an IPv4 address like 10.88.0.1, got '" + gateway + "'");
        int mask = Ipv4.mask(prefixLen);
        int address = Ipv4.toInt(ip);
        int gw = Ipv4.toInt(gateway);
        if ((address & mask) != (gw & mask)) {
            throw bad("gateway " + gateway + " is not in " + ip + "/" + prefixLen);
        }
        if (address == gw) throw bad("ip and gateway are both " + ip);
        if ((address & ~mask) == 0 || (address | mask) == -1) {
            throw bad(ip + " is the network or broadcast address of its /" + prefixLen);
        }
        if (ipv6 != null) requireIpv6(ipv6, true, "ipv6");
        if (ipv6Gateway != null) {
            if (ipv6 == null) throw bad("ipv6_gateway needs ipv6");
            requireIpv6(ipv6Gateway, false, "ipv6_gateway");
        }
        if (mtu != null && (mtu < 576 || mtu > 65535)) throw bad("mtu must be 576..65535, got " + mtu);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** Without masquerade and published ports: the container reaches and is reached by what routes allow. */
    public NetworkAttachment(String bridge, String ip, int prefixLen, String gateway, String ipv6, String ipv6Gateway, Integer mtu) {
        this(bridge, ip, prefixLen, gateway, ipv6, ipv6Gateway, mtu, false, List.of());
    }

    /** On the default bridge, IPv4 only, default MTU. */
    public static NetworkAttachment of(String ip, int prefixLen, String gateway) {
        return new NetworkAttachment(null, ip, prefixLen, gateway, null, null, null);
    }

    public NetworkAttachment withBridge(String bridge) {
        return new NetworkAttachment(bridge, ip, prefixLen, gateway, ipv6, ipv6Gateway, mtu, masquerade, ports);
    }

    public NetworkAttachment withIp(String ip) {
        return new NetworkAttachment(bridge, ip, prefixLen, gateway, ipv6, ipv6Gateway, mtu, masquerade, ports);
    }

    public NetworkAttachment withIpv6(String ipv6, String ipv6Gateway) {
        return new NetworkAttachment(bridge, ip, prefixLen, gateway, ipv6, ipv6Gateway, mtu, masquerade, ports);
    }

    public NetworkAttachment withMtu(Integer mtu) {
        return new NetworkAttachment(bridge, ip, prefixLen, gateway, ipv6, ipv6Gateway, mtu, masquerade, ports);
    }

    public NetworkAttachment withMasquerade(boolean masquerade) {
        return new NetworkAttachment(bridge, ip, prefixLen, gateway, ipv6, ipv6Gateway, mtu, masquerade, ports);
    }

    public NetworkAttachment withPorts(List<PortMapping> ports) {
        return new NetworkAttachment(bridge, ip, prefixLen, gateway, ipv6, ipv6Gateway, mtu, masquerade, ports);
    }

    /** The JSON form shown above; optional fields that are null are left out. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bridge", bridge);
        m.put("ip", ip);
        m.put("prefix_len", prefixLen);
        m.put("gateway", gateway);
        if (ipv6 != null) m.put("ipv6", ipv6);
        if (ipv6Gateway != null) m.put("ipv6_gateway", ipv6Gateway);
        if (mtu != null) m.put("mtu", mtu);
        if (masquerade) m.put("masquerade", true); // absent = false: records from before masquerade read back as they were
        if (!ports.isEmpty()) m.put("ports", ports.stream().map(PortMapping::toString).toList());
        return m;
    }

    /**
     * From {@link #toJson()}'s form; validated like any other attachment. A record written before masquerade existed
     * has none (the bridge plugin ran with {@code ipMasq: false} then).
     */
    public static NetworkAttachment fromJson(Map<String, Object> m) {
        Integer prefixLen = Json.intValue(m, "prefix_len");
        List<String> ports = new ArrayList<>();
        if (m.get("ports") instanceof List<?> list) list.forEach(p -> ports.add(String.valueOf(p)));
        return new NetworkAttachment(Json.string(m, "bridge"), Json.string(m, "ip"), prefixLen == null ? 0 : prefixLen,
                Json.string(m, "gateway"), Json.string(m, "ipv6"), Json.string(m, "ipv6_gateway"), Json.intValue(m, "mtu"),
                Boolean.TRUE.equals(m.get("masquerade")), PublishedPorts.parse(ports));
    }

    /** {@code ip/prefix_len}, as CNI and iproute2 write it. */
    public String cidr() { return ip + "/" + prefixLen; }

    /** The host-side route that reaches this container's subnet from elsewhere. */
    public String subnet() {
        return Ipv4.format(Ipv4.toInt(ip) & Ipv4.mask(prefixLen)) + "/" + prefixLen;
    }

    private static void requireIpv6(String value, boolean withPrefix, String field) {
        String address = value;
        if (withPrefix) {
            int slash = value.indexOf('/');
            if (slash < 0) throw bad(field + " needs a prefix length, e.g. fd00:88::23/64, got '" + value + "'");
            address = value.substring(0, slash);
            String prefix = value.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > 128) {
                throw bad(field + " has a bad prefix length: '" + value + "'");
            }
        }
        // A literal containing ':' is never looked up in DNS.
        if (!address.contains(":") || !address.matches("[0-9a-fA-F:.]+")) {
            throw bad(field + " must be an IPv6 address, got '" + value + "'");
        }
        try {
            InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw bad(field + " must be an IPv6 address, got '" + value + "'");
        }
    }

    private static NetworkException bad(String message) {
        return new NetworkException(NetworkException.BAD_ATTACHMENT, message);
    }
}
