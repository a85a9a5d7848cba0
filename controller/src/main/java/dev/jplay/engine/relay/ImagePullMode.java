package dev.jplay.engine.relay;

import java.util.Locale;

/**
 * Where a host gets its images: host (or group/play) var {@value #VAR}. {@code registry} (the default): the host's
 * agent pulls from the registry itself. {@code relay}: the host cannot reach the registry (an air-gapped or
 * firewalled network, Kamal's "deploy without a registry on the servers"), so the controller pulls the image once
 * and streams the blobs it lacks over the SSH connection it already has; the host verifies each by digest.
 *
 * <p>Explicit, not an automatic fallback after a failed pull: a pull that fails to connect may be a registry that is
 * down, a wrong name or a firewall the operator wants, and silently moving hundreds of MB through the operator's
 * machine (often a laptop on a slow uplink) instead would hide that. The failure says to set this var.
 */
public enum ImagePullMode {
    REGISTRY, RELAY;

    public static final String VAR = "jplay_image_pull";

    /** The mode a var's value names; null means the default. */
    public static ImagePullMode parse(Object value) {
        if (value == null) return REGISTRY;
        String text = value.toString().strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "", "registry" -> REGISTRY;
            case "relay" -> RELAY;
            default -> throw new IllegalArgumentException(VAR + " must be registry or relay, got '" + value + "'");
        };
    }
}
