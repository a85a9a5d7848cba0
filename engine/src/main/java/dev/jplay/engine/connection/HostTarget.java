package dev.jplay.engine.connection;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A host to run an agent on. {@code name} is the inventory name used in messages; {@code address} is what
 * is dialled and looked up in known_hosts (and in ~/.ssh/config's Host patterns). {@code passphrase} unlocks
 * the identity files (null: the settings' passphrase, if any). Left open, settings come from the
 * {@link SshSettings} and ~/.ssh/config, as with OpenSSH: {@code port} 0 (else 22), a null {@code user} (else
 * the local user name), empty {@code identityFiles} (else the usual ~/.ssh/id_ed25519, id_ecdsa and id_rsa).
 * {@code java} is the host's java to run the agent with ({@code jplay_java}); null: Java 17+ on the PATH, else a
 * runtime jplay pushes. {@code sshArgs} are the inventory's ssh command-line options
 * ({@code ansible_ssh_common_args}), which win over ~/.ssh/config.
 */
public record HostTarget(String name, String address, int port, String user, List<Path> identityFiles,
                         String passphrase, Kind kind, String java, SshConfig.Options sshArgs) {

    public enum Kind { SSH, LOCAL }

    private static final SshConfig.Options NO_ARGS = new SshConfig.Options(Map.of(), List.of());

    public HostTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        identityFiles = identityFiles == null ? List.of() : List.copyOf(identityFiles);
        sshArgs = sshArgs == null ? NO_ARGS : sshArgs;
        if (user != null && user.isEmpty()) user = null;
        if (kind == Kind.SSH) {
            Objects.requireNonNull(address, "address of " + name);
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port of " + name + " out of range: " + port);
        }
        if (java != null && java.isBlank()) java = null;
    }

    public HostTarget(String name, String address, int port, String user, List<Path> identityFiles, String passphrase,
                      Kind kind) {
        this(name, address, port, user, identityFiles, passphrase, kind, null, NO_ARGS);
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
     * A remote host's sessions are also per login user: plays and tasks may log in as different users
     * ({@code remote_user}); a user left open (null) is whoever the settings and ~/.ssh/config make it.
     */
    public String sessionKey() {
        if (kind == Kind.LOCAL) return "(local)";
        return user == null ? name : name + "\u0000" + user;
    }

    public HostTarget withPort(int newPort) {
        return new HostTarget(name, address, newPort, user, identityFiles, passphrase, kind, java, sshArgs);
    }

    /** With {@code newUser} as the login user (a play's or task's {@code remote_user}). */
    public HostTarget withUser(String newUser) {
        return new HostTarget(name, address, port, newUser, identityFiles, passphrase, kind, java, sshArgs);
    }

    public HostTarget withIdentity(Path identityFile, String newPassphrase) {
        return new HostTarget(name, address, port, user, List.of(identityFile), newPassphrase, kind, java, sshArgs);
    }

    /** The same host, with the agent run by {@code javaPath} on it (jplay_java). */
    public HostTarget withJava(String javaPath) {
        return new HostTarget(name, address, port, user, identityFiles, passphrase, kind, javaPath, sshArgs);
    }

    /** With the inventory's ssh command-line options ({@code ansible_ssh_common_args} parsed by {@link SshArgs}). */
    public HostTarget withSshArgs(SshConfig.Options args) {
        return new HostTarget(name, address, port, user, identityFiles, passphrase, kind, java, args);
    }

    /** "web-1 (10.0.0.5)" or "web-1 (10.0.0.5:2222)": how messages name the host. */
    public String describe() {
        if (kind == Kind.LOCAL) return name + " (local)";
        return name + " (" + address + (port == 22 || port == 0 ? "" : ":" + port) + ")";
    }

    @Override
    public String toString() { // never print the passphrase
        return "HostTarget[" + describe() + ", user=" + user + ", identityFiles=" + identityFiles
                + (passphrase == null ? "" : ", passphrase=***") + ", kind=" + kind + (java == null ? "" : ", java=" + java)
                + (sshArgs.values().isEmpty() && sshArgs.identityFiles().isEmpty() ? "" : ", sshArgs=" + sshArgs) + "]";
    }
}
