package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Peer-to-peer image distribution for one run (as Uber's Kraken or Dragonfly do it, with the controller as the
 * tracker): the hosts that pull one image reference form a group, in the order they ask; each gets the places of
 * its sources from {@link PeerPlan} and, in its {@code image}/{@code container} call, an {@code _peers} argument:
 * where its own blob server listens (its fleet address and the run's peer port), the run's secret token, and its
 * sources. Hosts verify every blob against the manifest they resolved themselves; the registry stays the source of
 * every manifest and the fallback for every blob.
 *
 * <p>Vars: {@code jplay_peers: false} keeps a host out (it neither serves nor takes blobs; {@code -e
 * jplay_peers=false} turns it off for the run); {@code jplay_peer_port} fixes the port (default: one per run in
 * {@link #PORT_BASE}..+{@link #PORT_RANGE}); {@code jplay_peer_address} is the address peers reach the host at
 * (default: the address the controller connects to). The token is made here per run from a {@link SecureRandom},
 * travels only inside the agent's request on stdin, and is printed nowhere.
 */
final class PeerDistribution {
    static final String OFF_VAR = "jplay_peers";
    static final String PORT_VAR = "jplay_peer_port";
    static final String ADDRESS_VAR = "jplay_peer_address";
    static final int PORT_BASE = 47000;
    static final int PORT_RANGE = 1000;
    private static final Set<String> NO_PULL_STATES = Set.of("absent", "rolled_back");

    private final String token;
    private final int runPort;
    /** Image reference → the hosts that asked for it, in order; a host whose pull failed is left out of later plans. */
    private final Map<String, List<Member>> groups = new LinkedHashMap<>();

    private record Member(String host, String endpoint) {
    }

    PeerDistribution() {
        this(new SecureRandom());
    }

    PeerDistribution(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.runPort = PORT_BASE + random.nextInt(PORT_RANGE);
    }

    /**
     * {@code args} with {@code _peers} added when this call pulls an image over SSH on its own host with peers on;
     * else {@code args} unchanged.
     */
    Map<String, Object> attach(String module, Map<String, Object> args, String host, HostTarget target,
            Map<String, Object> vars, boolean check, boolean delegated) throws ControllerModules.PrepareException {
        String image = imageOf(module, args);
        if (image == null || check || delegated || target.kind() != HostTarget.Kind.SSH || args.containsKey("_peers")
                || isOff(vars.get(OFF_VAR))) {
            return args;
        }
        Object address = vars.get(ADDRESS_VAR);
        Object port = vars.get(PORT_VAR);
        String endpoint = endpoint(address == null ? target.address() : String.valueOf(address), port == null ? runPort : port(port));
        List<String> sources = new ArrayList<>();
        synchronized (groups) {
            List<Member> group = groups.computeIfAbsent(image, k -> new ArrayList<>());
            int place = indexOf(group, host);
            if (place < 0) {
                group.add(new Member(host, endpoint));
                place = group.size() - 1;
            }
            for (int source : PeerPlan.sourcesOf(place)) sources.add(group.get(source).endpoint());
        }
        Map<String, Object> peers = new LinkedHashMap<>();
        peers.put("listen", endpoint);
        peers.put("token", token);
        peers.put("sources", sources);
        Map<String, Object> withPeers = new LinkedHashMap<>(args);
        withPeers.put("_peers", peers);
        return withPeers;
    }

    /**
     * A host whose pull failed is taken out of the image's group: later hosts are not sent to it. (Hosts planned
     * below it meanwhile drop it when it refuses or lacks a blob, and go on to the next source.)
     */
    void failed(String module, Map<String, Object> args, String host) {
        String image = imageOf(module, args);
        if (image == null || !args.containsKey("_peers")) return;
        synchronized (groups) {
            List<Member> group = groups.get(image);
            if (group != null) group.removeIf(m -> m.host().equals(host));
        }
    }

    /** The image a call of {@code module} pulls (templated reference), or null when it pulls none. */
    static String imageOf(String module, Map<String, Object> args) {
        Object state = args.get("state");
        if (state != null && NO_PULL_STATES.contains(String.valueOf(state))) return null;
        Object image = switch (module) {
            case "image" -> args.get("name");
            case "container" -> args.get("image");
            default -> null;
        };
        return image instanceof String s && !s.isBlank() ? s : null;
    }

    private static int port(Object value) throws ControllerModules.PrepareException {
        try {
            int port = Integer.parseInt(String.valueOf(value).trim());
            if (port >= 1 && port <= 65535) return port;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ControllerModules.PrepareException("ARG_VALUE", PORT_VAR + " must be a TCP port (1-65535), got '" + value + "'");
    }

    private static boolean isOff(Object value) {
        if (value == null) return false;
        if (value instanceof Boolean b) return !b;
        return Set.of("false", "no", "off", "0").contains(String.valueOf(value).trim().toLowerCase());
    }

    private static int indexOf(List<Member> group, String host) {
        for (int i = 0; i < group.size(); i++) {
            if (group.get(i).host().equals(host)) return i;
        }
        return -1;
    }

    private static String endpoint(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
}
