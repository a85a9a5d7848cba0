package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.connection.SshArgs;
import dev.jplay.inventory.ConnectionVars;
import dev.jplay.inventory.HostConnectionInfo;
import dev.jplay.inventory.InventoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to reach an inventory host, from its {@code ansible_*} connection vars. What they leave open (port, user,
 * keys) stays open for ~/.ssh/config and the CLI to fill; {@code ansible_ssh_common_args} and
 * {@code ansible_ssh_extra_args} add ssh command-line options (e.g. {@code -o ProxyJump=bastion}, {@code -J}).
 */
public final class HostTargets {
    /** The inventory vars holding ssh command-line options, in the order Ansible puts them on the command line. */
    public static final List<String> SSH_ARGS = List.of("ansible_ssh_common_args", "ansible_ssh_extra_args");

    private HostTargets() {}

    public static HostTarget of(String name, Map<String, Object> hostVars) {
        HostConnectionInfo info = ConnectionVars.resolve(name, hostVars);
        if (info.isLocal()) return HostTarget.local(name);
        List<Path> keys = info.privateKeyFile() == null ? List.of() : List.of(Path.of(expandHome(info.privateKeyFile())));
        boolean portGiven = ConnectionVars.PORT.stream().anyMatch(v -> hostVars.get(v) != null);
        StringBuilder args = new StringBuilder();
        for (String v : SSH_ARGS) {
            if (hostVars.get(v) != null) args.append(' ').append(hostVars.get(v));
        }
        try {
            return new HostTarget(name, info.address(), portGiven ? info.port() : 0, info.user(), keys, null,
                    HostTarget.Kind.SSH, SshArgs.parse(args.toString()));
        } catch (IllegalArgumentException e) {
            throw new InventoryException("host " + name + ": " + String.join("/", SSH_ARGS) + ": " + e.getMessage());
        }
    }

    private static String expandHome(String p) {
        return p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p;
    }
}
