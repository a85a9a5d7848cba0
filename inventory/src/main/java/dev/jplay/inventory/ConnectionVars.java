package dev.jplay.inventory;

import java.util.List;
import java.util.Map;

/**
 * Resolves connection settings from a host's merged variables. The first variable set wins:
 * <table>
 *   <caption>Connection variables, in order of precedence</caption>
 *   <tr><th>setting</th><th>variables</th><th>default</th></tr>
 *   <tr><td>address</td><td>{@code jplay_host}, {@code ansible_host}, {@code ansible_ssh_host}</td>
 *       <td>the inventory name</td></tr>
 *   <tr><td>port</td><td>{@code jplay_port}, {@code ansible_port}, {@code ansible_ssh_port}</td><td>22</td></tr>
 *   <tr><td>user</td><td>{@code jplay_user}, {@code ansible_user}, {@code ansible_ssh_user}</td>
 *       <td>null: the SSH default</td></tr>
 *   <tr><td>private key file</td><td>{@code jplay_private_key_file}, {@code ansible_ssh_private_key_file},
 *       {@code ansible_private_key_file}</td><td>null: the SSH defaults</td></tr>
 *   <tr><td>connection</td><td>{@code jplay_connection}, {@code ansible_connection}</td>
 *       <td>{@code local} for a host named {@code localhost}, {@code 127.0.0.1} or {@code ::1} (like Ansible's
 *       implicit localhost), else {@code ssh}</td></tr>
 * </table>
 * Connection values {@code ssh}, {@code smart} and {@code paramiko} mean {@code ssh}; {@code local} means
 * local; anything else is an error, as jplay has no other transport yet.
 */
public final class ConnectionVars {
    public static final List<String> HOST = List.of("jplay_host", "ansible_host", "ansible_ssh_host");
    public static final List<String> PORT = List.of("jplay_port", "ansible_port", "ansible_ssh_port");
    public static final List<String> USER = List.of("jplay_user", "ansible_user", "ansible_ssh_user");
    public static final List<String> PRIVATE_KEY_FILE =
            List.of("jplay_private_key_file", "ansible_ssh_private_key_file", "ansible_private_key_file");
    public static final List<String> CONNECTION = List.of("jplay_connection", "ansible_connection");
    public static final int DEFAULT_PORT = 22;

    private ConnectionVars() {}

    /** True for the names Ansible treats as the controller itself ({@code localhost}, {@code 127.0.0.1}, {@code ::1}). */
    public static boolean isLocalhost(String name) {
        return HostAddress.isLocalhost(name);
    }

    /** Connection settings of an inventory host (or the implicit localhost). */
    public static HostConnectionInfo of(Inventory inventory, String host) {
        return resolve(host, inventory.hostVars(host));
    }

    /** Connection settings from already merged (and templated) variables. */
    public static HostConnectionInfo resolve(String name, Map<String, Object> vars) {
        String address = string(name, vars, HOST);
        String portText = string(name, vars, PORT);
        String user = string(name, vars, USER);
        String key = string(name, vars, PRIVATE_KEY_FILE);
        String connection = string(name, vars, CONNECTION);
        return new HostConnectionInfo(name, address == null ? name : address, port(name, portText), user, key,
                connection(name, connection));
    }

    private static String string(String host, Map<String, Object> vars, List<String> names) {
        for (String n : names) {
            Object v = vars.get(n);
            if (v == null) continue;
            if (v instanceof Map || v instanceof List) {
                throw new InventoryException("host " + host + ": " + n + " must be a scalar, got: " + v);
            }
            String s = String.valueOf(v).strip();
            if (!s.isEmpty()) return s;
        }
        return null;
    }

    private static int port(String host, String text) {
        if (text == null) return DEFAULT_PORT;
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) return port;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InventoryException("host " + host + ": port must be an integer from 1 to 65535, got: " + text);
    }

    private static String connection(String host, String value) {
        if (value == null) return HostAddress.isLocalhost(host) ? "local" : "ssh";
        switch (value) {
            case "ssh": case "smart": case "paramiko": return "ssh";
            case "local": return "local";
            default: throw new InventoryException("host " + host + ": unsupported connection '" + value + "' (use ssh or local)");
        }
    }
}
