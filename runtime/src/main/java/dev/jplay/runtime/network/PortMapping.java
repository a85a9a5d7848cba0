package dev.jplay.runtime.network;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One published port: {@code hostIp:hostPort} on the host forwards to {@code containerPort} of the container (the
 * CNI {@code portmap} plugin's {@code portMappings} entry). A range of {@code published_ports} becomes one mapping
 * per port ({@link PublishedPorts}).
 *
 * @param hostIp the host address it listens on; null = every address of the host
 * @param protocol {@code tcp} or {@code udp}
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    public PortMapping {
        if (hostIp != null && !Ipv4.isLiteral(hostIp)) {
            throw new NetworkException(NetworkException.BAD_PORT, "host address must be an IPv4 address, got '" + hostIp + "'");
        }
        requirePort(hostPort, "host port");
        requirePort(containerPort, "container port");
        if (!"tcp".equals(protocol) && !"udp".equals(protocol)) {
            throw new NetworkException(NetworkException.BAD_PORT, "protocol must be tcp or udp, got '" + protocol + "'");
        }
    }

    private static void requirePort(int port, String what) {
        if (port < 1 || port > 65535) throw new NetworkException(NetworkException.BAD_PORT, what + " must be 1..65535, got " + port);
    }

    /** Docker's form: {@code [hostIp:]hostPort:containerPort/protocol}. */
    @Override
    public String toString() {
        return (hostIp == null ? "" : hostIp + ":") + hostPort + ":" + containerPort + "/" + protocol;
    }

    /** The portmap plugin's {@code runtimeConfig.portMappings} entry. */
    Map<String, Object> toCni() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostPort", hostPort);
        m.put("containerPort", containerPort);
        m.put("protocol", protocol);
        if (hostIp != null) m.put("hostIP", hostIp);
        return m;
    }
}
