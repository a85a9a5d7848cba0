package dev.jplay.runtime.network;

import dev.jplay.protocol.Step;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Attaching or detaching a container's network failed. {@link #step()} is always {@code network}; {@link #code()} is
 * stable (UPPER_SNAKE, see the constants); {@link #detail()} has snake_case keys for the agent protocol: the plugin,
 * its CNI error code and message, the netns path, the container holding a contested IP.
 */
public class NetworkException extends RuntimeException {
    public static final Step STEP = Step.NETWORK;

    /** The attachment request itself is invalid (address syntax, gateway outside the subnet, bridge name...). */
    public static final String BAD_ATTACHMENT = "BAD_ATTACHMENT";
    /** A {@code published_ports} entry is malformed, out of range or published twice. */
    public static final String BAD_PORT = "BAD_PORT";
    /** A pool route is malformed (not a block of the pool, not an IPv4 gateway) or wanted two ways. */
    public static final String BAD_ROUTE = "BAD_ROUTE";
    /** {@code ip route}, the forwarding sysctl (also for a fleet service) or iptables refused a change of the pool's routing. */
    public static final String ROUTE_FAILED = "ROUTE_FAILED";
    /** A CNI plugin binary (bridge, static, loopback) is in none of the plugin directories. */
    public static final String PLUGIN_MISSING = "PLUGIN_MISSING";
    /** A plugin exited non-zero or printed no usable result; detail has its CNI {@code code} and {@code msg}. */
    public static final String PLUGIN_FAILED = "PLUGIN_FAILED";
    /** Another container on this host, or a host interface, already has the requested IP. */
    public static final String IP_IN_USE = "IP_IN_USE";
    /** The container's network namespace could not be created, found or removed. */
    public static final String NETNS_FAILED = "NETNS_FAILED";
    /** The attachment record under the state directory cannot be read or written. */
    public static final String STATE_FAILED = "STATE_FAILED";
    /** A fleet service's name, ports, protocol or backends are malformed. */
    public static final String BAD_SERVICE = "BAD_SERVICE";
    /** The host has no {@code nft} (package nftables), which a fleet service's rules need. */
    public static final String SERVICE_NFT_MISSING = "SERVICE_NFT_MISSING";
    /** {@code nft} refused the service's rules or could not list them; detail has its stderr's tail. */
    public static final String SERVICE_NFT_FAILED = "SERVICE_NFT_FAILED";
    /** {@code conntrack} could not forget the UDP flows to a service's removed backends. */
    public static final String SERVICE_CONNTRACK_FAILED = "SERVICE_CONNTRACK_FAILED";
    /** Something on the host already receives the service's port (a listening socket, a published port). */
    public static final String SERVICE_PORT_IN_USE = "SERVICE_PORT_IN_USE";

    private final String code;
    private final Map<String, Object> detail = new LinkedHashMap<>();

    public NetworkException(String code, String message) {
        this(code, message, null);
    }

    public NetworkException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public NetworkException detail(String key, Object value) {
        if (value != null) detail.put(key, value);
        return this;
    }

    public Step step() { return STEP; }

    public String code() { return code; }

    /** Unmodifiable view; keys are snake_case to match the agent protocol. */
    public Map<String, Object> detail() { return Collections.unmodifiableMap(detail); }
}
