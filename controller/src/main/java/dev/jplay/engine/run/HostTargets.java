package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.connection.SshArgs;
import dev.jplay.engine.connection.SshConfig;
import dev.jplay.inventory.ConnectionVars;
import dev.jplay.inventory.HostConnectionInfo;
import dev.jplay.inventory.InventoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to reach an inventory host, from its {@code ansible_*} connection vars, and {@code jplay_java}: the java on
 * the host to run the agent with (by default Java 17+ on the PATH, else a runtime jplay pushes). What the
 * connection vars leave open (port, user, keys) stays open for ~/.ssh/config and the CLI to fill;
 * {@code ansible_ssh_common_args} and {@code ansible_ssh_extra_args} add ssh command-line options (e.g.
 * {@code -o ProxyJump=bastion}, {@code -J}). {@code jplay_known_hosts} is the known_hosts file the host's key is
 * checked against, over {@code -o UserKnownHostsFile=} in those options (the CLI's {@code --known-hosts} wins over both).
 */
public final class HostTargets {
    public static final String JAVA_VAR = "jplay_java";
    public static final String KNOWN_HOSTS_VAR = "jplay_known_hosts";
    /** The inventory vars holding ssh command-line options, in the order Ansible puts them on the command line. */
    public static final List<String> SSH_ARGS = List.of("ansible_ssh_common_args", "ansible_ssh_extra_args");

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
        boolean portGiven = ConnectionVars.PORT.stream().anyMatch(v -> hostVars.get(v) != null);
        StringBuilder args = new StringBuilder();
        for (String v : SSH_ARGS) {
            if (hostVars.get(v) != null) args.append(' ').append(hostVars.get(v));
        }
        try {
            return new HostTarget(name, info.address(), portGiven ? info.port() : 0, info.user(), keys, null,
                    HostTarget.Kind.SSH, java == null ? null : String.valueOf(java).strip(),
                    withKnownHosts(name, SshArgs.parse(args.toString()), hostVars.get(KNOWN_HOSTS_VAR)));
        } catch (IllegalArgumentException e) {
            throw new InventoryException("host " + name + ": " + String.join("/", SSH_ARGS) + ": " + e.getMessage());
        }
    }

    /** {@code args} with the host's {@code jplay_known_hosts} as its UserKnownHostsFile (it wins over the -o option). */
    private static SshConfig.Options withKnownHosts(String name, SshConfig.Options args, Object file) {
        if (file == null) return args;
        if (file instanceof Map || file instanceof List || String.valueOf(file).isBlank()) {
            throw new InventoryException("host " + name + ": " + KNOWN_HOSTS_VAR + " must be a path, got: " + file);
        }
        Map<String, String> values = new java.util.LinkedHashMap<>(args.values());
        values.put("userknownhostsfile", expandHome(String.valueOf(file).strip()));
        return new SshConfig.Options(values, args.identityFiles());
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
