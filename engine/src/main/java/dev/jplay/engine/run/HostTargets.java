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

    /**
     * {@code target} as the host's become variables and the command line's become settings say (no playbook
     * keywords: for commands that run no playbook, like {@code jplay ps}).
     *
     * @throws IllegalArgumentException for an invalid become variable
     */
    public static HostTarget withBecome(HostTarget target, Map<String, Object> hostVars, BecomeDefaults cli) {
        return BecomeResolver.apply(target, BecomeResolver.resolve(dev.jplay.engine.playbook.BecomeKeywords.NONE, hostVars, cli, v -> v));
    }

    private static String expandHome(String p) {
        return p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p;
    }
}
