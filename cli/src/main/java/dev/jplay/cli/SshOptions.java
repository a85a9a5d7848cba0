package dev.jplay.cli;

import dev.jplay.engine.connection.HostKeyPolicy;
import dev.jplay.engine.connection.SshConfig;
import dev.jplay.engine.connection.SshSettings;
import java.io.Console;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** How commands that reach hosts connect over SSH; a picocli mixin. */
final class SshOptions {
    /** Where CI puts the passphrase of the identity files (no terminal to prompt on). */
    static final String PASSPHRASE_ENV = "JPLAY_SSH_KEY_PASSPHRASE";

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts file (default: ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = "--host-key-checking", defaultValue = "strict", paramLabel = "MODE",
            description = "strict (default): unknown or changed host keys are refused; accept-new: record unknown keys, refuse changed ones.")
    String hostKeyChecking;

    @Option(names = "--connect-timeout", defaultValue = "10", paramLabel = "SECONDS", description = "SSH connect timeout (default: ${DEFAULT-VALUE}).")
    int connectTimeout;

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "Login user for hosts whose inventory sets no ansible_user and plays no remote_user (default: ~/.ssh/config's User, else your user name).")
    String user;

    @Option(names = {"-F", "--ssh-config"}, paramLabel = "FILE",
            description = "OpenSSH client configuration for what the inventory leaves open (default: ~/.ssh/config; 'none': none).")
    String sshConfig;

    @Option(names = "--ask-key-passphrase",
            description = "Prompt once for the passphrase of the SSH identity files (or set " + PASSPHRASE_ENV + "; keys in ssh-agent need neither).")
    boolean askKeyPassphrase;

    Map<String, String> env = System.getenv();

    /** The SSH settings these options ask for; IllegalArgumentException for a bad value (message names the option). */
    SshSettings settings() {
        HostKeyPolicy policy = switch (hostKeyChecking) {
            case "strict" -> HostKeyPolicy.STRICT;
            case "accept-new" -> HostKeyPolicy.ACCEPT_NEW;
            default -> throw new IllegalArgumentException(
                    "--host-key-checking must be strict or accept-new, got '" + hostKeyChecking + "'");
        };
        SshSettings ssh = SshSettings.defaults().withHostKeyPolicy(policy).withConnectTimeout(Duration.ofSeconds(connectTimeout));
        if (knownHosts != null) ssh = ssh.withKnownHosts(knownHosts);
        if (user != null) ssh = ssh.withRemoteUser(user);
        if (sshConfig != null) ssh = ssh.withSshConfig(sshConfig.equals("none") ? null : Path.of(sshConfig));
        if (ssh.sshConfig() != null) {
            try {
                SshConfig.load(ssh.sshConfig()); // a mistake in it is the user's to fix before anything runs
            } catch (SshConfig.SshConfigException e) {
                throw new IllegalArgumentException("ssh config " + e.getMessage());
            }
        }
        String passphrase = askKeyPassphrase ? prompt() : env.get(PASSPHRASE_ENV);
        return passphrase == null || passphrase.isEmpty() ? ssh : ssh.withKeyPassphrase(passphrase);
    }

    private static String prompt() {
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("--ask-key-passphrase needs a terminal to prompt on; without one, set "
                    + PASSPHRASE_ENV + " or load the key into ssh-agent");
        }
        char[] typed = console.readPassword("SSH key passphrase: ");
        return typed == null ? null : new String(typed);
    }
}
