package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.inventory.ConnectionVars;
import dev.jplay.inventory.HostConnectionInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** How to reach an inventory host, from its {@code ansible_*} connection vars. */
public final class HostTargets {
    private HostTargets() {}

    public static HostTarget of(String name, Map<String, Object> hostVars) {
        return of(name, hostVars, null);
    }

    /** With {@code connection} ({@code local}/{@code ssh}, the playbook keyword) over the inventory's, when not null. */
    public static HostTarget of(String name, Map<String, Object> hostVars, String connection) {
        HostConnectionInfo info = ConnectionVars.resolve(name, hostVars);
        if (connection == null ? info.isLocal() : connection.equals("local")) return HostTarget.local(name);
        List<Path> keys = info.privateKeyFile() == null ? List.of() : List.of(Path.of(expandHome(info.privateKeyFile())));
        return new HostTarget(name, info.address(), info.port(), info.user(), keys, null, HostTarget.Kind.SSH);
    }

    private static String expandHome(String p) {
        return p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p;
    }
}
