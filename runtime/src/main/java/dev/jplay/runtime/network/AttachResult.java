package dev.jplay.runtime.network;

import dev.jplay.runtime.launch.NetworkMode;
import java.nio.file.Path;
import java.util.List;

/**
 * A container's attached network, as {@link CniNetworks#attach} left it.
 *
 * @param netnsPath the namespace to run the container in: pass {@link #networkMode()} to
 *     {@code ContainerSpec.Builder#networkMode} and runc joins it
 * @param interfaceName the container's interface ({@code eth0})
 * @param ip the container's IPv4 address (no prefix)
 * @param addresses every address the plugin assigned, with prefix ({@code 10.88.0.23/24}, IPv6 if asked)
 * @param mac the container interface's MAC
 * @param hostInterface the host end of the veth pair, a port of the bridge
 * @param changed false when the container already had exactly this attachment
 */
public record AttachResult(
        String container,
        Path netnsPath,
        String interfaceName,
        String ip,
        List<String> addresses,
        String mac,
        String hostInterface,
        NetworkAttachment attachment,
        boolean changed) {

    /** {@code network_mode} for the container: join this namespace. */
    public NetworkMode networkMode() {
        return new NetworkMode(NetworkMode.Kind.PATH, netnsPath.toString());
    }
}
