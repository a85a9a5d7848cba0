package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A play's {@code service: {name, port, target_port, protocol, traffic_policy, state}}: every host of the play accepts
 * connections on {@code port} and spreads them over the app's serving instances' {@code target_port} (the host module
 * {@code fleet_service}; kube-proxy's idea without a cluster). Only for plays with {@code replicas}. {@code target_port}
 * defaults to {@code port}, {@code protocol} to tcp; {@code state: absent} removes the rules (port not needed then).
 * {@code traffic_policy} (Kubernetes' {@code externalTrafficPolicy}): {@value #CLUSTER} (default) spreads over the
 * instances of every host; {@value #LOCAL} only over the receiving host's own, unmasqueraded (they see the client's
 * address), falling back to cluster on a host that has none serving.
 */
public record ServiceSpec(String name, int port, int targetPort, String protocol, String trafficPolicy, boolean absent, Location location) {
    public static final String KEYWORD = "service";
    public static final String CLUSTER = "cluster";
    public static final String LOCAL = "local";
    static final Set<String> KEYS = Set.of("name", "port", "target_port", "protocol", "traffic_policy", "state");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9_-]{0,30}[a-z0-9])?");

    /** The service as written, every mistake located at its key or value. */
    static ServiceSpec parse(YamlNode node) {
        YamlMapping m = Fields.mapping(KEYWORD, node);
        for (String key : m.keys()) {
            if (!KEYS.contains(key)) {
                throw new PlaybookException(m.keyLocation(key), "unknown service key '" + key + "'" + Suggestions.didYouMean(key, KEYS)
                        + " (service keys: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }
        String name = Fields.requiredText("service name", m.get("name"), m);
        if (!NAME.matcher(name).matches()) {
            throw new PlaybookException(m.get("name").location(), "service name '" + name + "' must be 1-32 lowercase letters, digits,"
                    + " '-' or '_', starting and ending with a letter or digit (it names the host's nftables table)");
        }
        String state = Fields.text("service state", m.get("state"));
        if (state != null && !state.equals("present") && !state.equals("absent")) {
            throw Fields.wrongType("service state", m.get("state"), "present or absent");
        }
        boolean absent = "absent".equals(state);
        String protocol = Fields.text("service protocol", m.get("protocol"));
        if (protocol == null) protocol = "tcp";
        if (!protocol.equals("tcp") && !protocol.equals("udp")) throw Fields.wrongType("service protocol", m.get("protocol"), "tcp or udp");
        String policy = Fields.text("service traffic_policy", m.get("traffic_policy"));
        if (policy == null) policy = CLUSTER;
        if (!policy.equals(CLUSTER) && !policy.equals(LOCAL)) {
            throw Fields.wrongType("service traffic_policy", m.get("traffic_policy"), "cluster or local (Kubernetes' externalTrafficPolicy)");
        }
        if (absent && !m.has("port")) return new ServiceSpec(name, 0, 0, protocol, policy, true, m.location());
        if (!m.has("port")) throw new PlaybookException(m.location(), "service '" + name + "' needs a port (1-65535)");
        int port = port("service port", m.get("port"));
        int target = m.has("target_port") ? port("service target_port", m.get("target_port")) : port;
        return new ServiceSpec(name, port, target, protocol, policy, absent, m.location());
    }

    private static int port(String keyword, YamlNode node) {
        if (node instanceof YamlScalar s && s.value() instanceof Integer i && i >= 1 && i <= 65535) return i;
        throw Fields.wrongType(keyword, node, "a port number from 1 to 65535");
    }

    /** True for {@value #LOCAL}: each host sends to its own serving instances, which see the client's address. */
    public boolean local() {
        return LOCAL.equals(trafficPolicy);
    }

    /** {@code 80/tcp}: what two services of a playbook may not share. */
    public String portKey() {
        return port + "/" + protocol;
    }
}
