package dev.jplay.inventory;

/**
 * How to reach a host, resolved by {@link ConnectionVars}.
 *
 * @param name inventory name
 * @param address host name or IP address to connect to
 * @param port SSH port (22 unless set)
 * @param user remote user, or null for the SSH default (the local user name or SSH config)
 * @param privateKeyFile private key path, or null for the SSH defaults
 * @param connection {@code ssh} or {@code local}
 */
public record HostConnectionInfo(String name, String address, int port, String user, String privateKeyFile, String connection) {
    public boolean isLocal() {
        return "local".equals(connection);
    }
}
