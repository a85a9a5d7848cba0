package dev.jplay.testing;

import dev.jplay.engine.connection.HostTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Real SSH hosts for integration tests: wraps {@code test-fleet/fleet.sh} (network namespaces on bridge
 * jpbr0, one sshd each). Each instance uses its own prefix, derived from the test class and this JVM, so
 * concurrent test classes and runs never share hosts. Needs root; close it to tear the hosts down.
 */
public final class TestFleet implements AutoCloseable {
    private final Path script;
    private final String prefix;
    private final Path dir;
    private final int size;
    private final String user;
    private final List<String> addresses = new ArrayList<>();

    private TestFleet(Path script, String prefix, Path dir, int size, String user) {
        this.script = script;
        this.prefix = prefix;
        this.dir = dir;
        this.size = size;
        this.user = user;
    }

    /** Starts {@code hosts} hosts named {@code <prefix>-1..N} for the test class {@code owner}. */
    public static TestFleet start(Class<?> owner, int hosts) {
        return start(owner, hosts, "root", List.of());
    }

    /**
     * Starts {@code hosts} bare hosts, like fresh cloud VMs (fleet.sh's bare profile: user {@value #BARE_USER}
     * with sudo, root login off, no Java/runc/CNI). {@code options} go to {@code fleet.sh up}, e.g.
     * {@code --sudo-password PW --password-hosts 2} or {@code --bastion-hosts 3}. The first start on a machine
     * builds the shared root filesystem (about two minutes).
     */
    public static TestFleet startBare(Class<?> owner, int hosts, String... options) {
        List<String> args = new ArrayList<>(List.of("--profile", "bare"));
        args.addAll(List.of(options));
        return start(owner, hosts, BARE_USER, args);
    }

    public static final String BARE_USER = "debian";

    /**
     * Starts {@code hosts} bare hosts that boot through systemd as their PID 1 (fleet.sh's systemd profile: runc and
     * the CNI plugins installed, no Java), so that {@link #reboot} runs what a boot runs.
     */
    public static TestFleet startSystemd(Class<?> owner, int hosts) {
        return start(owner, hosts, BARE_USER, List.of("--profile", "systemd"));
    }

    /**
     * Reboots host i of a systemd fleet: every process of it killed (containers included), its network namespace,
     * mounts and /run gone; then booted again from its disk. Returns once its sshd accepts connections.
     */
    public void reboot(int i) {
        run("reboot", "--prefix", prefix, String.valueOf(i));
    }

    /**
     * {@link #pgrep} pattern of agent JVMs only. "jplay-agent" alone also matches the start script's sh, which stays
     * the JVM's parent until the host has the jar's CDS archive (it renames the archive into place when the JVM exits).
     */
    public static final String AGENT_JVM = "-jar [^\"]*jplay-agent";

    private static TestFleet start(Class<?> owner, int hosts, String user, List<String> options) {
        Path script = locateScript();
        String prefix = prefixFor(owner);
        Path dir;
        try {
            dir = Files.createTempDirectory("jplay-fleet-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestFleet fleet = new TestFleet(script, prefix, dir, hosts, user);
        fleet.run("down", "--prefix", prefix); // leftovers of a crashed earlier run with the same prefix
        try {
            List<String> up = new ArrayList<>(List.of("up", String.valueOf(hosts), "--prefix", prefix, "--out", dir.toString()));
            up.addAll(options);
            fleet.run(up.toArray(String[]::new));
            for (String line : Files.readAllLines(dir.resolve("inventory.ini"))) {
                int at = line.indexOf(" ansible_host=");
                if (at > 0) fleet.addresses.add(line.substring(at + " ansible_host=".length()).trim().split(" ", 2)[0]);
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return fleet;
    }

    /** "t" + 7 base-36 chars from the class name and pid: fits fleet.sh's 8-char prefix limit. */
    static String prefixFor(Class<?> owner) {
        long h = owner.getName().hashCode() * 31L + ProcessHandle.current().pid();
        String s = Long.toString(Math.floorMod(h, 78364164096L), 36); // 36^7
        return ("t" + "0000000".substring(s.length()) + s).toLowerCase(Locale.ROOT);
    }

    public int size() { return size; }

    public String prefix() { return prefix; }

    /** Host i, 1-based. */
    public String name(int i) { return prefix + "-" + i; }

    public String address(int i) { return addresses.get(i - 1); }

    /** An address on the fleet's subnet with no host behind it: nothing answers there. */
    public String unusedAddress() {
        String a = addresses.get(0);
        return a.substring(0, a.lastIndexOf('.') + 1) + "254";
    }

    public Path clientKey() { return dir.resolve("client_key"); }

    public Path knownHosts() { return dir.resolve("known_hosts"); }

    public Path inventoryIni() { return dir.resolve("inventory.ini"); }

    public Path inventoryYaml() { return dir.resolve("inventory.yml"); }

    /** Scratch directory of this fleet (removed on close). */
    public Path dir() { return dir; }

    /** The login user: root, or {@value #BARE_USER} on bare hosts. */
    public String user() { return user; }

    /** Host i as the login user with the fleet's client key. */
    public HostTarget target(int i) {
        return HostTarget.ssh(name(i), address(i), user, List.of(clientKey()));
    }

    public List<HostTarget> targets() {
        List<HostTarget> all = new ArrayList<>();
        for (int i = 1; i <= size; i++) all.add(target(i));
        return all;
    }

    /** Runs a command inside host i (its network and mount namespaces); returns stdout, fails on non-zero exit. */
    public String exec(int i, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", "--prefix", prefix, String.valueOf(i), "--"));
        args.addAll(List.of(command));
        return run(args.toArray(String[]::new));
    }

    /** Pids of host i's processes whose command line matches {@code pattern} (pgrep -f, scoped to the host). */
    public List<Long> pgrep(int i, String pattern) {
        List<Long> pids = new ArrayList<>();
        for (String line : run("pgrep", "--prefix", prefix, String.valueOf(i), pattern).split("\n")) {
            if (!line.isBlank()) pids.add(Long.parseLong(line.trim()));
        }
        return pids;
    }

    /** Sends {@code signal} (e.g. "KILL", "STOP") to host i's processes matching {@code pattern}. */
    public void pkill(int i, String pattern, String signal) {
        run("pkill", "--prefix", prefix, String.valueOf(i), pattern, signal);
    }

    /** The machine-side end of host i's veth pair (fleet.sh names it jpv{slot}x{i}; the slot is the address's third byte). */
    public String veth(int i) {
        String[] octets = address(i).split("\\.");
        return "jpv" + octets[2] + "x" + i;
    }

    /** Cuts (or restores) host i's link to the bridge: its packets are dropped, its processes keep running. */
    public void setLink(int i, boolean up) {
        command("ip", "link", "set", veth(i), up ? "up" : "down");
    }

    /** Adds a public key to root's authorized_keys on every host. */
    public void authorize(Path publicKey) throws IOException {
        String key = Files.readString(publicKey).trim();
        for (int i = 1; i <= size; i++) {
            exec(i, "sh", "-c", "printf '%s\\n' \"$1\" >> /root/.ssh/authorized_keys", "sh", key);
        }
    }

    @Override
    public void close() {
        try {
            run("down", "--prefix", prefix);
        } finally {
            deleteTree(dir);
        }
    }

    private String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        return command(command.toArray(String[]::new));
    }

    private static final int COMMAND_TIMEOUT_SECONDS = 600;

    /** Runs a command on this machine; returns its stdout, fails on a non-zero exit. */
    private static String command(String... args) {
        List<String> command = List.of(args);
        Path errors = null;
        try {
            errors = Files.createTempFile("jplay-fleet", ".err");
            Process p = new ProcessBuilder(command).redirectError(errors.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // Generous: the first bare fleet on a machine builds its root filesystem with mmdebstrap first.
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", args) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", args) + " failed with exit status "
                        + p.exitValue() + ": " + Files.readString(errors).trim());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        } finally {
            if (errors != null) errors.toFile().delete();
        }
    }

    private static Path locateScript() {
        String root = System.getProperty("jplay.root");
        List<Path> candidates = new ArrayList<>();
        if (root != null && !root.isBlank()) candidates.add(Path.of(root, "test-fleet", "fleet.sh"));
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p.resolve("test-fleet").resolve("fleet.sh"));
        }
        for (Path c : candidates) {
            if (Files.isExecutable(c)) return c;
        }
        throw new IllegalStateException("test-fleet/fleet.sh not found (looked at " + candidates + ")");
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }
}
