package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;

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
 * ({@code ansible_ssh_common_args}), which win over ~/.ssh/config. {@code become} (null: none) is whom the agent
 * runs as when not the login user: such a target is a second agent on the host's connection.
 */
public record HostTarget(String name, String address, int port, String user, List<Path> identityFiles,
                         String passphrase, Kind kind, String java, SshConfig.Options sshArgs, Become become) {

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
        this(name, address, port, user, identityFiles, passphrase, kind, null, NO_ARGS, null);
    }

    /** Without become: the login user's agent. */
    public HostTarget(String name, String address, int port, String user, List<Path> identityFiles, String passphrase,
                      Kind kind, String java, SshConfig.Options sshArgs) {
        this(name, address, port, user, identityFiles, passphrase, kind, java, sshArgs, null);
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
        if (kind == Kind.LOCAL) return "(local)" + (become == null ? "" : become.sessionSuffix());
        return connectionKey() + (become == null ? "" : become.sessionSuffix());
    }

    /**
     * What one SSH connection serves: the host as one login user, whose agent and privileged agent share it
     * (a user left open is whoever the settings and ~/.ssh/config make it).
     */
    public String connectionKey() {
        if (kind == Kind.LOCAL) return "(local)";
        return user == null ? name : name + "\u0000" + user;
    }

    public HostTarget withPort(int newPort) {
        return new HostTarget(name, address, newPort, user, identityFiles, passphrase, kind, java, sshArgs, become);
    }

    /** With {@code newUser} as the login user (a play's or task's {@code remote_user}). */
    public HostTarget withUser(String newUser) {
        return new HostTarget(name, address, port, newUser, identityFiles, passphrase, kind, java, sshArgs, become);
    }

    public HostTarget withIdentity(Path identityFile, String newPassphrase) {
        return new HostTarget(name, address, port, user, List.of(identityFile), newPassphrase, kind, java, sshArgs, become);
    }

    /** The same host, with the agent run by {@code javaPath} on it (jplay_java). */
    public HostTarget withJava(String javaPath) {
        return new HostTarget(name, address, port, user, identityFiles, passphrase, kind, javaPath, sshArgs, become);
    }

    /** With the inventory's ssh command-line options ({@code ansible_ssh_common_args} parsed by {@link SshArgs}). */
    public HostTarget withSshArgs(SshConfig.Options args) {
        return new HostTarget(name, address, port, user, identityFiles, passphrase, kind, java, args, become);
    }

    /** This host with its agent run as {@code b} (null: as the login user). */
    public HostTarget withBecome(Become b) {
        return new HostTarget(name, address, port, user, identityFiles, passphrase, kind, java, sshArgs, b);
    }

    /** Who the agent runs as: the become user, else the login user (null: left to the settings and ~/.ssh/config). */
    public String effectiveUser() {
        return become != null ? become.user() : user;
    }

    /** "web-1 (10.0.0.5)" or "web-1 (10.0.0.5:2222)": how messages name the host. */
    public String describe() {
        String as = become == null ? "" : " as " + become.user();
        if (kind == Kind.LOCAL) return name + " (local)" + as;
        return name + " (" + address + (port == 22 || port == 0 ? "" : ":" + port) + ")" + as;
    }

    @Override
    public String toString() { // never print the passphrase
        return "HostTarget[" + describe() + ", user=" + user + ", identityFiles=" + identityFiles
                + (passphrase == null ? "" : ", passphrase=***") + ", kind=" + kind + (java == null ? "" : ", java=" + java)
                + (sshArgs.values().isEmpty() && sshArgs.identityFiles().isEmpty() ? "" : ", sshArgs=" + sshArgs)
                + (become == null ? "" : ", " + become) + "]";
    }
}
