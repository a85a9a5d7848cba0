package dev.jplay.engine.connection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where and how one SSH hop is made, after the inventory, the run's {@link SshSettings} and ~/.ssh/config are
 * combined as OpenSSH combines command line and configuration: the first value found wins, in the order
 * inventory host vars, CLI settings ({@code -u}), {@code ansible_ssh_common_args}, ssh_config, built-in default.
 * {@code agentSocket} null: no ssh-agent; {@code jumps} empty: a direct connection. {@code knownHosts} is the file the
 * host's key is checked against: the CLI's {@code --known-hosts}, else the host's {@code jplay_known_hosts} or
 * {@code -o UserKnownHostsFile=}, else ssh_config's {@code UserKnownHostsFile}, else ~/.ssh/known_hosts.
 */
record SshEndpoint(String address, int port, String user, List<Path> identityFiles, boolean identitiesOnly,
                   Path agentSocket, String passphrase, List<JumpHost> jumps, Path knownHosts) {

    static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** "debian@10.0.0.1:22": how messages name a hop. */
    String describe() {
        return user + "@" + address + ":" + port;
    }

    /**
     * One {@code ProxyJump} hop: {@code [user@]host[:port]} or {@code ssh://[user@]host[:port]}; {@code identityFiles}
     * only when it comes from a {@code ProxyCommand} with {@code -i}.
     */
    record JumpHost(String user, String host, int port, List<String> identityFiles) {
        JumpHost {
            identityFiles = List.copyOf(identityFiles);
        }

        JumpHost(String user, String host, int port) {
            this(user, host, port, List.of());
        }

        /**
         * The hop of the classic bastion {@code ProxyCommand} ({@code [exec] ssh [options] -W %h:%p [user@]host}), with
         * its {@code -l}, {@code -p}, {@code -i} and {@code -o} options; null for any other command.
         */
        static JumpHost fromProxyCommand(String command) {
            List<String> words = SshArgs.shellWords(command);
            if (!words.isEmpty() && words.get(0).equals("exec")) words = words.subList(1, words.size());
            if (words.isEmpty() || !(words.get(0).equals("ssh") || words.get(0).endsWith("/ssh"))) return null;
            SshArgs.Parsed p = SshArgs.parseWords(words.subList(1, words.size()));
            if (!"%h:%p".equals(p.forward()) || p.positional().size() != 1) return null;
            JumpHost dest = parse(p.positional().get(0), command);
            String user = dest.user() != null ? dest.user() : p.options().get("user");
            int port = p.options().get("port") != null ? parsePort(p.options().get("port"), "ProxyCommand") : dest.port();
            return new JumpHost(user, dest.host(), port, p.options().identityFiles());
        }

        static List<JumpHost> parseList(String spec) {
            List<JumpHost> out = new ArrayList<>();
            if (spec == null || spec.isBlank() || spec.strip().equalsIgnoreCase("none")) return out;
            for (String hop : spec.split(",")) out.add(parse(hop.strip(), spec));
            return out;
        }

        private static JumpHost parse(String hop, String whole) {
            String s = hop.startsWith("ssh://") ? hop.substring("ssh://".length()) : hop;
            String user = null;
            int at = s.lastIndexOf('@');
            if (at >= 0) {
                user = s.substring(0, at);
                s = s.substring(at + 1);
            }
            int port = 0;
            String host = s;
            if (s.startsWith("[")) { // [v6addr]:port
                int close = s.indexOf(']');
                if (close < 0) throw new IllegalArgumentException("ProxyJump '" + whole + "': unclosed [ in " + hop);
                host = s.substring(1, close);
                if (s.length() > close + 1) port = parsePort(s.substring(close + 1).replaceFirst("^:", ""), whole);
            } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
                host = s.substring(0, s.indexOf(':'));
                port = parsePort(s.substring(s.indexOf(':') + 1), whole);
            }
            if (host.isEmpty() || (user != null && user.isEmpty())) {
                throw new IllegalArgumentException("ProxyJump '" + whole + "': malformed hop '" + hop + "'");
            }
            return new JumpHost(user, host, port);
        }
    }

    static int parsePort(String text, String where) {
        try {
            int p = Integer.parseInt(text.strip());
            if (p >= 1 && p <= 65535) return p;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(where + ": port must be an integer from 1 to 65535, got '" + text + "'");
    }

    /** The endpoint of {@code target}; IllegalArgumentException for a value that cannot be used (bad port, ProxyCommand). */
    static SshEndpoint of(HostTarget target, SshSettings settings, SshConfig config) {
        SshConfig.Options args = target.sshArgs();
        SshConfig.Options cfg = config.lookup(target.address());
        String address = first(args.get("hostname"), cfg.get("hostname"), target.address()).replace("%h", target.address());
        int port = target.port() != 0 ? target.port() : portOf(first(args.get("port"), cfg.get("port"), null), "Port");
        String user = first(target.user(), settings.remoteUser(), args.get("user"), cfg.get("user"), System.getProperty("user.name"));
        List<String> files = new ArrayList<>();
        for (Path p : target.identityFiles()) files.add(p.toString());
        files.addAll(args.identityFiles());
        files.addAll(cfg.identityFiles());
        boolean only = yes(first(args.get("identitiesonly"), cfg.get("identitiesonly"), "no"));
        String jump = first(args.get("proxyjump"), cfg.get("proxyjump"), null);
        String command = first(args.get("proxycommand"), cfg.get("proxycommand"), null);
        List<JumpHost> jumps = JumpHost.parseList(jump);
        if (jump == null && command != null && !command.equalsIgnoreCase("none")) {
            JumpHost hop = JumpHost.fromProxyCommand(command);
            if (hop == null) {
                throw new IllegalArgumentException("ProxyCommand '" + command + "' is not supported (jplay connects itself):"
                        + " use ProxyJump (ssh -J) for a bastion, or the form 'ssh [options] -W %h:%p [user@]bastion'");
            }
            jumps = List.of(hop);
        }
        return new SshEndpoint(address, port, user, identityFiles(files, target.address(), user, port), only,
                agent(first(args.get("identityagent"), cfg.get("identityagent"), null), settings, target.address(), user, port),
                target.passphrase() != null ? target.passphrase() : settings.keyPassphrase(), jumps,
                knownHosts(settings.knownHosts(), first(args.get("userknownhostsfile"), cfg.get("userknownhostsfile")),
                        target.address(), user, port));
    }

    /** A jump host, with ~/.ssh/config applied to its name; keys and agent as the target's unless its config names its own. */
    static SshEndpoint jump(JumpHost hop, SshEndpoint target, SshConfig config) {
        SshConfig.Options cfg = config.lookup(hop.host());
        String address = first(cfg.get("hostname"), hop.host()).replace("%h", hop.host());
        int port = hop.port() != 0 ? hop.port() : portOf(cfg.get("port"), "Port");
        String user = first(hop.user(), cfg.get("user"), System.getProperty("user.name"));
        List<String> written = new ArrayList<>(hop.identityFiles());
        written.addAll(cfg.identityFiles());
        List<Path> files = written.isEmpty() ? target.identityFiles() : identityFiles(written, hop.host(), user, port);
        boolean only = cfg.get("identitiesonly") != null ? yes(cfg.get("identitiesonly")) : target.identitiesOnly();
        // The bastion's key is checked in its own UserKnownHostsFile when its config names one, else the target's file.
        Path knownHosts = cfg.get("userknownhostsfile") == null ? target.knownHosts()
                : knownHosts(null, cfg.get("userknownhostsfile"), hop.host(), user, port);
        return new SshEndpoint(address, port, user, files, only, target.agentSocket(), target.passphrase(), List.of(), knownHosts);
    }

    private static int portOf(String text, String what) {
        return text == null ? 22 : parsePort(text, what);
    }

    private static List<Path> identityFiles(List<String> written, String host, String user, int port) {
        Set<Path> out = new LinkedHashSet<>();
        for (String f : written) out.add(Path.of(SshConfig.expandTokens(f, host, user, port)));
        if (!out.isEmpty()) return List.copyOf(out);
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        for (String name : DEFAULT_IDENTITIES) {
            if (Files.isReadable(ssh.resolve(name))) out.add(ssh.resolve(name));
        }
        return List.copyOf(out);
    }

    /**
     * The CLI's file, else the first of the host's or ssh_config's {@code UserKnownHostsFile} (a list, as in OpenSSH:
     * new keys are recorded in the first; tokens and ~ expanded), else ~/.ssh/known_hosts.
     */
    private static Path knownHosts(Path cli, String configured, String host, String user, int port) {
        if (cli != null) return cli;
        if (configured == null || configured.isBlank()) return SshSettings.DEFAULT_KNOWN_HOSTS;
        return Path.of(SshConfig.expandTokens(configured.strip().split("\\s+")[0], host, user, port));
    }

    private static Path agent(String configured, SshSettings settings, String host, String user, int port) {
        if (configured == null || configured.equals("SSH_AUTH_SOCK")) return settings.agentSocket();
        if (configured.equalsIgnoreCase("none")) return null;
        return Path.of(SshConfig.expandTokens(configured, host, user, port));
    }

    /** The public key blob of {@code identityFile}'s ".pub" companion, or null when there is none to read. */
    static byte[] publicBlob(Path identityFile) {
        Path pub = Path.of(identityFile + ".pub");
        try {
            String[] fields = Files.readString(pub).strip().split("\\s+");
            return fields.length >= 2 ? java.util.Base64.getDecoder().decode(fields[1]) : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean yes(String v) {
        return v.toLowerCase(Locale.ROOT).equals("yes") || v.equalsIgnoreCase("true");
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) if (v != null) return v;
        return null;
    }

    @Override
    public String toString() { // never print the passphrase
        return "SshEndpoint[" + describe() + ", identityFiles=" + identityFiles + ", identitiesOnly=" + identitiesOnly
                + ", agentSocket=" + agentSocket + (passphrase == null ? "" : ", passphrase=***") + ", jumps=" + jumps
                + ", knownHosts=" + knownHosts + "]";
    }
}
