package dev.jplay.testing;

import dev.jplay.runtime.fs.HostCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client machine for tests of what a fleet serves: a network namespace of its own (not a fleet host, not this
 * machine's namespace) with a veth on the fleet's bridge, as test-fleet/fleet.sh attaches hosts, at
 * {@code 10.213.K.N} (K: the fleet's slot; N in 2..9, below the hosts' 10+I). It has no default route: it reaches the
 * fleet's hosts and nothing else. Close it to remove the namespace (its veth pair goes with it).
 */
public final class ClientNamespace implements AutoCloseable {
    private static final String BRIDGE = "jpbr0";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final String address;

    private ClientNamespace(String name, String address) {
        this.name = name;
        this.address = address;
    }

    /** Client {@code n} (2..9) of {@code fleet}'s slot. */
    public static ClientNamespace attach(TestFleet fleet, int n) {
        if (n < 2 || n > 9) throw new IllegalArgumentException("client number must be 2..9, got " + n);
        String[] octets = fleet.address(1).split("\\.");
        String address = octets[0] + "." + octets[1] + "." + octets[2] + "." + n;
        String name = fleet.prefix() + "-c" + n;
        String veth = "jpc" + octets[2] + "x" + n;
        run("ip", "netns", "add", name);
        ClientNamespace client = new ClientNamespace(name, address);
        try {
            run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", name);
            run("ip", "link", "set", veth, "master", BRIDGE, "up");
            HostCommand.run(List.of("ip", "neigh", "flush", "dev", BRIDGE, "to", address), COMMAND_TIMEOUT); // a stale entry of an earlier client
            run("ip", "-n", name, "addr", "add", address + "/16", "dev", "eth0");
            run("ip", "-n", name, "link", "set", "lo", "up");
            run("ip", "-n", name, "link", "set", "eth0", "up");
            return client;
        } catch (RuntimeException | HostCommand.Failed e) {
            client.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    public String name() { return name; }

    public String address() { return address; }

    /** Runs {@code command} inside the client's network namespace; its stdout. Fails on a non-zero exit. */
    public String exec(String... command) {
        List<String> args = new ArrayList<>(List.of("ip", "netns", "exec", name));
        args.addAll(List.of(command));
        return run(args.toArray(String[]::new));
    }

    @Override
    public void close() {
        try {
            HostCommand.run(List.of("ip", "netns", "del", name), COMMAND_TIMEOUT);
        } catch (HostCommand.Failed e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String... command) {
        try {
            HostCommand.Result r = HostCommand.run(List.of(command), COMMAND_TIMEOUT);
            if (!r.ok()) throw new IllegalStateException(r.failure());
            return r.stdout();
        } catch (HostCommand.Failed e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
