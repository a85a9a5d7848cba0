package dev.jplay.runtime.network;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The nftables rules of one {@link FleetService}, as kube-proxy's nftables mode writes a service's: its own table
 * {@code ip jplay-svc-NAME} with four chains, replaced as a whole in one {@code nft -f} transaction:
 * <ul>
 *   <li>{@code prerouting} (nat, dstnat): connections arriving for the port on any local address ({@code fib daddr
 *       type local}: the host's own addresses and its bridges' gateways, so from other machines and from the host's
 *       instances) jump to {@code service};
 *   <li>{@code output} (nat, -100): the same for connections the host itself opens, except to 127.0.0.0/8: a
 *       loopback source cannot leave the host after DNAT (it would need route_localnet, which kube-proxy's nftables
 *       mode gives up too), so a client on the host uses one of its addresses;
 *   <li>{@code service}: {@code dnat ip to numgen random mod N map { 0 : IP . PORT, ... }} picks a backend at random
 *       per connection; with no backend, {@code reject} (a TCP reset, an ICMP port unreachable for UDP), so clients
 *       fail at once instead of waiting for a black hole. Its comment holds a hash of the whole table ({@link #hash}),
 *       which tells a re-run that the rules are what it would write;
 *   <li>{@code postrouting} (nat, srcnat): connections redirected to the port's protocol and original port (this
 *       table's; the module refuses a port something else on the host receives) are masqueraded, so replies come
 *       back through this host: a backend on another host would otherwise answer the client directly, and an instance
 *       that calls the service and lands on itself or a neighbour would get an answer from an address it did not call.
 *       With traffic policy {@code local} the backends are this host's own instances, whose replies come back through
 *       this host anyway (it is their gateway), so nothing is masqueraded and a backend sees the client's own address,
 *       as with Kubernetes' {@code externalTrafficPolicy: Local}; except an instance that called the service and was
 *       picked itself (kube-proxy's hairpin rule): its own address as the source would keep the reply inside its
 *       namespace. A neighbour on the same bridge answers its caller directly on the bridge, where bridge netfilter
 *       (on in jplay's hosts, as kubelet needs it too) undoes the DNAT.
 * </ul>
 * IPv4 only (the pools are). Nothing outside the table is touched.
 */
public final class ServiceRuleset {
    /** Prefix of the {@code service} rule's comment; {@code sha256:} follows the target port. */
    static final String COMMENT = "jplay fleet_service";

    private ServiceRuleset() {}

    /** The {@code nft -f} input that replaces (or creates) the service's table atomically. */
    public static String replace(FleetService s) {
        String table = "table ip " + s.table();
        // Declaring the table first makes the delete valid when it does not exist yet; all three are one transaction.
        return table + " {\n}\ndelete " + table + "\n" + table(s);
    }

    /** The {@code nft -f} input that removes the service's table, present or not. */
    public static String delete(String name) {
        String table = "table ip " + FleetService.tableOf(name);
        return table + " {\n}\ndelete " + table + "\n";
    }

    /** The table's definition, with its hash in the {@code service} rule's comment. */
    public static String table(FleetService s) {
        return table(s, hash(s));
    }

    /** The first 16 hex digits of the SHA-256 of the table written with an empty hash. */
    public static String hash(FleetService s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(table(s, "").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code service} rule's comment: what the rules cannot say (the target port without backends) and the hash. */
    static String comment(FleetService s, String hash) {
        // cluster writes no policy: the tables written before policies existed keep their hash, and nothing is rewritten.
        return COMMENT + " " + s.name() + " target_port " + s.targetPort() + (s.local() ? " traffic_policy local" : "")
                + " sha256:" + hash;
    }

    private static String table(FleetService s, String hash) {
        String proto = s.protocol();
        String match = "fib daddr type local " + proto + " dport " + s.port() + " jump service";
        return "table ip " + s.table() + " {\n"
                + "\tcomment \"" + COMMENT + " " + s.name() + "\"\n"
                + "\tchain prerouting {\n"
                + "\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
                + "\t\t" + match + "\n"
                + "\t}\n"
                + "\tchain output {\n"
                + "\t\ttype nat hook output priority -100; policy accept;\n"
                + "\t\tip daddr != 127.0.0.0/8 " + match + "\n"
                + "\t}\n"
                + "\tchain service {\n"
                + "\t\tmeta l4proto " + proto + " " + spread(s) + " comment \"" + comment(s, hash) + "\"\n"
                + "\t}\n"
                + "\tchain postrouting {\n"
                + "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
                + "\t\tmeta l4proto " + proto + " ct status dnat ct original proto-dst " + s.port() + masquerading(s) + " masquerade\n"
                + "\t}\n"
                + "}\n";
    }

    /**
     * What is masqueraded among the connections the service redirected: all of them ({@code cluster}); with
     * {@code local} only those an instance opened to the service and that were sent back to itself (source and backend
     * the same address), which no other backend needs: the replies of this host's instances pass through it.
     */
    private static String masquerading(FleetService s) {
        if (!s.local() || s.backends().isEmpty()) return "";
        StringBuilder pairs = new StringBuilder();
        for (String b : s.backends()) {
            if (pairs.length() > 0) pairs.append(", ");
            pairs.append(b).append(" . ").append(b);
        }
        return " ip saddr . ip daddr { " + pairs + " }";
    }

    /** The statement that picks a backend, or refuses the connection when there is none. */
    private static String spread(FleetService s) {
        List<String> backends = s.backends();
        if (backends.isEmpty()) return s.protocol().equals("tcp") ? "reject with tcp reset" : "reject";
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < backends.size(); i++) {
            if (i > 0) map.append(", ");
            map.append(i).append(" : ").append(backends.get(i)).append(" . ").append(s.targetPort());
        }
        return "dnat ip to numgen random mod " + backends.size() + " map { " + map + " }";
    }
}
