package dev.jplay.engine.connection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How SSH connections are made. {@code keepAlive} of zero disables keep-alives; {@code agentStartTimeout}
 * bounds the time from exec to the agent's hello (a cold JVM on a busy host takes seconds). {@code sshConfig}
 * is an OpenSSH client configuration for what the inventory leaves open (null: none); {@code agentSocket} is
 * the ssh-agent to ask for keys (null: none); {@code keyPassphrase} unlocks passphrase-protected identity files
 * (null: none; never printed); {@code remoteUser} is the login user for hosts whose inventory names none
 * (the CLI's {@code -u}; null: ssh_config's User, else the local user name). {@code knownHosts} is the CLI's
 * {@code --known-hosts}, which wins for every host; null: the host's own ({@code jplay_known_hosts},
 * {@code -o UserKnownHostsFile=} in {@code ansible_ssh_common_args}), else ssh_config's {@code UserKnownHostsFile},
 * else {@link #DEFAULT_KNOWN_HOSTS}.
 */
public record SshSettings(Path knownHosts, HostKeyPolicy hostKeyPolicy, Duration connectTimeout,
                          Duration keepAlive, Duration agentStartTimeout, Path sshConfig, Path agentSocket,
                          String keyPassphrase, String remoteUser) {

    public SshSettings {
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        requirePositive(connectTimeout, "connectTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        requirePositive(agentStartTimeout, "agentStartTimeout");
    }

    /** The known_hosts file of a host that names none (as OpenSSH's first UserKnownHostsFile). */
    public static final Path DEFAULT_KNOWN_HOSTS = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");

    /**
     * Host keys strictly checked against each host's known_hosts file (by default ~/.ssh/known_hosts), ~/.ssh/config,
     * and the ssh-agent of {@code SSH_AUTH_SOCK} if set.
     */
    public static SshSettings defaults() {
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        String sock = System.getenv("SSH_AUTH_SOCK");
        return new SshSettings(null, HostKeyPolicy.STRICT, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(60), ssh.resolve("config"), sock == null || sock.isBlank() ? null : Path.of(sock), null, null);
    }

    /** A known_hosts file for every host, over the hosts' own (null: each host's own). */
    public SshSettings withKnownHosts(Path path) {
        return new SshSettings(path, hostKeyPolicy, connectTimeout, keepAlive, agentStartTimeout, sshConfig, agentSocket, keyPassphrase, remoteUser);
    }

    public SshSettings withHostKeyPolicy(HostKeyPolicy policy) {
        return new SshSettings(knownHosts, policy, connectTimeout, keepAlive, agentStartTimeout, sshConfig, agentSocket, keyPassphrase, remoteUser);
    }

    public SshSettings withConnectTimeout(Duration timeout) {
        return new SshSettings(knownHosts, hostKeyPolicy, timeout, keepAlive, agentStartTimeout, sshConfig, agentSocket, keyPassphrase, remoteUser);
    }

    public SshSettings withKeepAlive(Duration interval) {
        return new SshSettings(knownHosts, hostKeyPolicy, connectTimeout, interval, agentStartTimeout, sshConfig, agentSocket, keyPassphrase, remoteUser);
    }

    public SshSettings withAgentStartTimeout(Duration timeout) {
        return new SshSettings(knownHosts, hostKeyPolicy, connectTimeout, keepAlive, timeout, sshConfig, agentSocket, keyPassphrase, remoteUser);
    }

    /** An OpenSSH client configuration file, or null for none. */
    public SshSettings withSshConfig(Path file) {
        return new SshSettings(knownHosts, hostKeyPolicy, connectTimeout, keepAlive, agentStartTimeout, file, agentSocket, keyPassphrase, remoteUser);
    }

    /** The ssh-agent's socket, or null for no agent. */
    public SshSettings withAgentSocket(Path socket) {
        return new SshSettings(knownHosts, hostKeyPolicy, connectTimeout, keepAlive, agentStartTimeout, sshConfig, socket, keyPassphrase, remoteUser);
    }

    public SshSettings withKeyPassphrase(String passphrase) {
        return new SshSettings(knownHosts, hostKeyPolicy, connectTimeout, keepAlive, agentStartTimeout, sshConfig, agentSocket, passphrase, remoteUser);
    }

    public SshSettings withRemoteUser(String user) {
        return new SshSettings(knownHosts, hostKeyPolicy, connectTimeout, keepAlive, agentStartTimeout, sshConfig, agentSocket, keyPassphrase, user);
    }

    @Override
    public String toString() { // never print the passphrase
        return "SshSettings[knownHosts=" + knownHosts + ", hostKeyPolicy=" + hostKeyPolicy + ", connectTimeout=" + connectTimeout
                + ", keepAlive=" + keepAlive + ", agentStartTimeout=" + agentStartTimeout + ", sshConfig=" + sshConfig
                + ", agentSocket=" + agentSocket + (keyPassphrase == null ? "" : ", keyPassphrase=***")
                + ", remoteUser=" + remoteUser + "]";
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive: " + d);
    }
}
