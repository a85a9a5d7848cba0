package dev.jplay.engine.connection;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A host to run an agent on. {@code name} is the inventory name used in messages; {@code address} is what
 * is dialled and looked up in known_hosts. {@code passphrase} unlocks the identity files (null: none).
 * An empty {@code identityFiles} means the usual ~/.ssh/id_ed25519, id_ecdsa and id_rsa. {@code become} (null: none)
 * is whom the agent runs as when not the login user: such a target is a second agent on the host's connection.
 */
public record HostTarget(String name, String address, int port, String user, List<Path> identityFiles,
                         String passphrase, Kind kind, Become become) {

    public enum Kind { SSH, LOCAL }

    public HostTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        identityFiles = identityFiles == null ? List.of() : List.copyOf(identityFiles);
        if (kind == Kind.SSH) {
            Objects.requireNonNull(address, "address of " + name);
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port of " + name + " out of range: " + port);
            if (user == null || user.isEmpty()) user = System.getProperty("user.name");
        }
    }

    /** Without become: the login user's agent. */
    public HostTarget(String name, String address, int port, String user, List<Path> identityFiles, String passphrase, Kind kind) {
        this(name, address, port, user, identityFiles, passphrase, kind, null);
    }

    public static HostTarget ssh(String name, String address, String user, List<Path> identityFiles) {
        return new HostTarget(name, address, 22, user, identityFiles, null, Kind.SSH);
    }

    /** The controller itself: the agent runs as a local subprocess, no SSH. */
    public static HostTarget local(String name) {
        return new HostTarget(name, null, 0, System.getProperty("user.name"), List.of(), null, Kind.LOCAL);
    }

    /**
     * What a run keeps one agent session for: a remote host by its inventory name (its delegated tasks share it),
     * and the controller once whatever name reaches it ({@code localhost}, {@code connection: local}), since
     * every local agent would be the same process on the same machine. Not a valid host name, so no clash.
     */
    public String sessionKey() {
        return connectionKey() + (become == null ? "" : become.sessionSuffix());
    }

    /** What one SSH connection serves: the host's login-user agent and its privileged one share it. */
    public String connectionKey() {
        return kind == Kind.LOCAL ? "(local)" : name;
    }

    public HostTarget withPort(int newPort) {
        return new HostTarget(name, address, newPort, user, identityFiles, passphrase, kind, become);
    }

    public HostTarget withIdentity(Path identityFile, String newPassphrase) {
        return new HostTarget(name, address, port, user, List.of(identityFile), newPassphrase, kind, become);
    }

    /** This host with its agent run as {@code b} (null: as the login user). */
    public HostTarget withBecome(Become b) {
        return new HostTarget(name, address, port, user, identityFiles, passphrase, kind, b);
    }

    /** Who the agent runs as: the become user, else the login user. */
    public String effectiveUser() {
        return become != null ? become.user() : user;
    }

    /** "web-1 (10.0.0.5)" or "web-1 (10.0.0.5:2222)": how messages name the host. */
    public String describe() {
        if (kind == Kind.LOCAL) return name + " (local)" + (become == null ? "" : " as " + become.user());
        return name + " (" + address + (port == 22 ? "" : ":" + port) + ")" + (become == null ? "" : " as " + become.user());
    }

    @Override
    public String toString() { // never print the passphrase
        return "HostTarget[" + describe() + ", user=" + user + ", identityFiles=" + identityFiles
                + (passphrase == null ? "" : ", passphrase=***") + ", kind=" + kind + (become == null ? "" : ", " + become) + "]";
    }
}
