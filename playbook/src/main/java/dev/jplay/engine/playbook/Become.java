package dev.jplay.engine.playbook;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Whom a host's agent runs as when it is not the login user: Ansible's {@code become}. The agent is started
 * through {@code method} ({@code sudo}, {@code su} or {@code doas}) once per host and run, next to the login
 * user's own agent on the same SSH connection.
 *
 * @param user     the user to become ({@code root} by default)
 * @param method   {@code sudo}, {@code su} or {@code doas}
 * @param flags    extra words for the method's command line, e.g. {@code -H} (null: none)
 * @param password the method's password, sent on the agent channel's stdin when it asks for one (null: none;
 *                 {@code sudo -n} then); never printed: {@link #toString} hides it
 * @param stateDir where the agent keeps its state when it runs as root (null: {@link #ROOT_STATE_DIR})
 */
public record Become(String user, String method, String flags, String password, String stateDir) {
    public static final String ROOT = "root";
    /** Where a privileged agent keeps images, containers and its jar, like {@code /var/lib/containerd}. */
    public static final String ROOT_STATE_DIR = "/var/lib/jplay";
    public static final Set<String> METHODS = Set.of("sudo", "su", "doas");

    public Become {
        user = user == null || user.isBlank() ? ROOT : user.strip();
        method = method == null || method.isBlank() ? "sudo" : method.strip().toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("become_method must be one of sudo, su, doas, got '" + method + "'");
        }
        flags = flags == null || flags.isBlank() ? null : flags.strip();
        if (password != null && password.isEmpty()) password = null;
        if (password != null && (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("the become password must be one line");
        }
        stateDir = stateDir == null || stateDir.isBlank() ? null : stateDir.strip();
        if (stateDir != null && !stateDir.startsWith("/")) {
            throw new IllegalArgumentException("the privileged agent's state directory must be absolute, got '" + stateDir + "'");
        }
        Objects.requireNonNull(user);
    }

    public static Become root() {
        return new Become(ROOT, "sudo", null, null, null);
    }

    /** True when the agent runs as root (and thus may run images and containers). */
    public boolean isRoot() {
        return ROOT.equals(user);
    }

    /** The privileged agent's state directory: the configured one, or {@link #ROOT_STATE_DIR} (root only). */
    public String rootStateDir() {
        return stateDir == null ? ROOT_STATE_DIR : stateDir;
    }

    /** What distinguishes this agent from the login user's on the same host (its session key suffix). */
    public String sessionSuffix() {
        return "#become:" + method + ":" + user;
    }

    public Become withPassword(String newPassword) {
        return new Become(user, method, flags, newPassword, stateDir);
    }

    @Override
    public String toString() { // never print the password
        return "Become[" + method + " -u " + user + (flags == null ? "" : " " + flags)
                + (password == null ? "" : ", password=***") + (stateDir == null ? "" : ", stateDir=" + stateDir) + "]";
    }
}
