package dev.jplay.engine.connection;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A host to run an agent on. {@code name} is the inventory name used in messages; {@code address} is what
 * is dialled and looked up in known_hosts. {@code passphrase} unlocks the identity files (null: none).
 * An empty {@code identityFiles} means the usual ~/.ssh/id_ed25519, id_ecdsa and id_rsa. {@code java} is the
 * host's java to run the agent with ({@code jplay_java}); null: Java 17+ on the PATH, else a runtime jplay pushes.
 */
public record HostTarget(String name, String address, int port, String user, List<Path> identityFiles,
                         String passphrase, Kind kind, String java) {

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
        if (java != null && java.isBlank()) java = null;
    }

    public HostTarget(String name, String address, int port, String user, List<Path> identityFiles, String passphrase,
                      Kind kind) {
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
        return kind == Kind.LOCAL ? "(local)" : name;
    }

    public HostTarget withPort(int newPort) {
        return new HostTarget(name, address, newPort, user, identityFiles, passphrase, kind, java);
    }

    public HostTarget withIdentity(Path identityFile, String newPassphrase) {
        return new HostTarget(name, address, port, user, List.of(identityFile), newPassphrase, kind, java);
    }

    /** The same host, with the agent run by {@code javaPath} on it (jplay_java). */
    public HostTarget withJava(String javaPath) {
        return new HostTarget(name, address, port, user, identityFiles, passphrase, kind, javaPath);
    }

    /** "web-1 (10.0.0.5)" or "web-1 (10.0.0.5:2222)": how messages name the host. */
    public String describe() {
        if (kind == Kind.LOCAL) return name + " (local)";
        return name + " (" + address + (port == 22 ? "" : ":" + port) + ")";
    }

    @Override
    public String toString() { // never print the passphrase
        return "HostTarget[" + describe() + ", user=" + user + ", identityFiles=" + identityFiles
                + (passphrase == null ? "" : ", passphrase=***") + ", kind=" + kind + (java == null ? "" : ", java=" + java) + "]";
    }
}
