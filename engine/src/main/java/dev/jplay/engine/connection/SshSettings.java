package dev.jplay.engine.connection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How SSH connections are made. {@code keepAlive} of zero disables keep-alives; {@code agentStartTimeout}
 * bounds the time from exec to the agent's hello (a cold JVM on a busy host takes seconds).
 */
public record SshSettings(Path knownHosts, HostKeyPolicy hostKeyPolicy, Duration connectTimeout,
                          Duration keepAlive, Duration agentStartTimeout) {

    public SshSettings {
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        requirePositive(connectTimeout, "connectTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        requirePositive(agentStartTimeout, "agentStartTimeout");
    }

    public static SshSettings defaults() {
        return new SshSettings(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"), HostKeyPolicy.STRICT,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    public SshSettings withKnownHosts(Path path) {
        return new SshSettings(path, hostKeyPolicy, connectTimeout, keepAlive, agentStartTimeout);
    }

    public SshSettings withHostKeyPolicy(HostKeyPolicy policy) {
        return new SshSettings(knownHosts, policy, connectTimeout, keepAlive, agentStartTimeout);
    }

    public SshSettings withConnectTimeout(Duration timeout) {
        return new SshSettings(knownHosts, hostKeyPolicy, timeout, keepAlive, agentStartTimeout);
    }

    public SshSettings withKeepAlive(Duration interval) {
        return new SshSettings(knownHosts, hostKeyPolicy, connectTimeout, interval, agentStartTimeout);
    }

    public SshSettings withAgentStartTimeout(Duration timeout) {
        return new SshSettings(knownHosts, hostKeyPolicy, connectTimeout, keepAlive, timeout);
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive: " + d);
    }
}
