package dev.jplay.runtime.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code net.ipv4.ip_forward} of this host's network namespace: on, the host routes between its interfaces, which
 * reaching instances on its bridges from elsewhere needs (pool routes, a fleet service's DNAT).
 */
public final class Forwarding {
    public static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    private Forwarding() {}

    /** The sysctl's value, or ROUTE_FAILED when it cannot be read. */
    public static boolean on() {
        try {
            return Files.readString(IP_FORWARD).trim().equals("1");
        } catch (IOException e) {
            throw new NetworkException(NetworkException.ROUTE_FAILED, "cannot read " + IP_FORWARD + ": " + e.getMessage(), e);
        }
    }

    /** Turns it on, or ROUTE_FAILED. */
    public static void turnOn() {
        try {
            Files.writeString(IP_FORWARD, "1\n");
        } catch (IOException e) {
            throw new NetworkException(NetworkException.ROUTE_FAILED, "cannot turn on forwarding (" + IP_FORWARD + "): " + e.getMessage(), e);
        }
    }
}
