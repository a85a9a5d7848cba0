package dev.jplay.runtime.network;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One fleet service as this host serves it: connections to {@code port}/{@code protocol} on any of the host's
 * addresses are spread over {@code backends} (instance IPs on this and other hosts) at {@code targetPort}. Its rules
 * are the nftables table {@link #table()} ({@link ServiceRuleset}).
 *
 * @param backends IPv4 addresses, kept sorted (numerically) and without duplicates: the same set in another order is
 *                 the same service, so a controller listing them differently changes nothing on the host
 * @param trafficPolicy {@value #CLUSTER} (Kubernetes' {@code externalTrafficPolicy: Cluster}: backends anywhere, every
 *                 connection masqueraded so replies come back through this host) or {@value #LOCAL} ({@code Local}: the
 *                 backends are this host's own instances, reached without masquerade, so they see the client's address)
 */
public record FleetService(String name, int port, int targetPort, String protocol, List<String> backends, String trafficPolicy) {
    /** Every service table's name starts with this; nothing else of the ruleset is ever read or written. */
    public static final String TABLE_PREFIX = "jplay-svc-";
    public static final String CLUSTER = "cluster";
    public static final String LOCAL = "local";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}");

    public FleetService {
        if (name == null || !NAME.matcher(name).matches()) {
            throw bad("name must match [a-z0-9][a-z0-9-]{0,30}, got '" + name + "'");
        }
        requirePort(port, "port");
        requirePort(targetPort, "target_port");
        if (!"tcp".equals(protocol) && !"udp".equals(protocol)) throw bad("protocol must be tcp or udp, got '" + protocol + "'");
        List<String> sorted = new ArrayList<>(new LinkedHashSet<>(backends == null ? List.of() : backends));
        for (String b : sorted) {
            if (!Ipv4.isLiteral(b)) throw bad("backend '" + b + "' is not an IPv4 address");
        }
        sorted.sort(Comparator.comparingLong(b -> Ipv4.toInt(b) & 0xffffffffL));
        backends = List.copyOf(sorted);
        if (trafficPolicy == null) trafficPolicy = CLUSTER;
        if (!CLUSTER.equals(trafficPolicy) && !LOCAL.equals(trafficPolicy)) {
            throw bad("traffic_policy must be cluster or local, got '" + trafficPolicy + "'");
        }
    }

    /** A service with traffic policy {@value #CLUSTER}. */
    public FleetService(String name, int port, int targetPort, String protocol, List<String> backends) {
        this(name, port, targetPort, protocol, backends, CLUSTER);
    }

    /** True for {@value #LOCAL}: the backends are this host's own instances and see the client's address. */
    public boolean local() {
        return LOCAL.equals(trafficPolicy);
    }

    /** The name of the service's nftables table (family {@code ip}). */
    public String table() {
        return tableOf(name);
    }

    public static String tableOf(String name) {
        return TABLE_PREFIX + name;
    }

    /** True when {@code name} is a legal service name. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void requirePort(int port, String what) {
        if (port < 1 || port > 65535) throw bad(what + " must be 1..65535, got " + port);
    }

    private static NetworkException bad(String message) {
        return new NetworkException(NetworkException.BAD_SERVICE, "fleet service: " + message);
    }
}
