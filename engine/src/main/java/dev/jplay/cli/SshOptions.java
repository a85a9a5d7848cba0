package dev.jplay.cli;

import dev.jplay.engine.connection.HostKeyPolicy;
import dev.jplay.engine.connection.SshSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How commands that reach hosts connect over SSH; a picocli mixin. */
final class SshOptions {
    @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts file (default: ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = "--host-key-checking", defaultValue = "strict", paramLabel = "MODE",
            description = "strict (default): unknown or changed host keys are refused; accept-new: record unknown keys, refuse changed ones.")
    String hostKeyChecking;

    @Option(names = "--connect-timeout", defaultValue = "10", paramLabel = "SECONDS", description = "SSH connect timeout (default: ${DEFAULT-VALUE}).")
    int connectTimeout;

    /** The SSH settings these options ask for; IllegalArgumentException for an unknown host key checking mode. */
    SshSettings settings() {
        HostKeyPolicy policy = switch (hostKeyChecking) {
            case "strict" -> HostKeyPolicy.STRICT;
            case "accept-new" -> HostKeyPolicy.ACCEPT_NEW;
            default -> throw new IllegalArgumentException(
                    "--host-key-checking must be strict or accept-new, got '" + hostKeyChecking + "'");
        };
        SshSettings ssh = SshSettings.defaults().withHostKeyPolicy(policy).withConnectTimeout(Duration.ofSeconds(connectTimeout));
        return knownHosts == null ? ssh : ssh.withKnownHosts(knownHosts);
    }
}
