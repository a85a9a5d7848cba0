package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.inventory.ConnectionVars;
import dev.jplay.inventory.HostConnectionInfo;
import dev.jplay.inventory.InventoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to reach an inventory host, from its {@code ansible_*} connection vars, and {@code jplay_java}: the java on
 * the host to run the agent with (by default Java 17+ on the PATH, else a runtime jplay pushes).
 */
public final class HostTargets {
    public static final String JAVA_VAR = "jplay_java";

    private HostTargets() {}

    public static HostTarget of(String name, Map<String, Object> hostVars) {
        return of(name, hostVars, null);
    }

    /** With {@code connection} ({@code local}/{@code ssh}, the playbook keyword) over the inventory's, when not null. */
    public static HostTarget of(String name, Map<String, Object> hostVars, String connection) {
        HostConnectionInfo info = ConnectionVars.resolve(name, hostVars);
        if (connection == null ? info.isLocal() : connection.equals("local")) return HostTarget.local(name);
        List<Path> keys = info.privateKeyFile() == null ? List.of() : List.of(Path.of(expandHome(info.privateKeyFile())));
        Object java = hostVars.get(JAVA_VAR);
        if (java instanceof Map || java instanceof List) {
            throw new InventoryException("host " + name + ": " + JAVA_VAR + " must be a path, got: " + java);
        }
        return new HostTarget(name, info.address(), info.port(), info.user(), keys, null, HostTarget.Kind.SSH,
                java == null ? null : String.valueOf(java).strip());
    }

    private static String expandHome(String p) {
        return p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p;
    }
}
