package dev.jplay.runtime.network;

import dev.jplay.runtime.fs.HostCommand;
import dev.jplay.runtime.fs.HostTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The "host-gw" model (flannel's host-gw backend, Calico without overlay): a pool with a block per host is reachable
 * from every host because each host has a route to every other host's block via that host's address. This class
 * makes one host's routes for one pool what the controller says, and lets the host forward to its bridge.
 *
 * <p>jplay's routes carry {@code proto 211} (a number iproute2 leaves unassigned): {@code ip route show proto 211}
 * lists them, and only those inside the pool's range are ever replaced or deleted; nothing else in the routing
 * table is touched. IPv4 only. No overlay: the hosts must reach each other directly (one L2 segment), or the
 * network between them must route the blocks too (routes in the VPC).
 *
 * <p>Forwarding: {@code net.ipv4.ip_forward=1}; when the FORWARD policy drops (dockerd sets DROP), two rules accept
 * traffic from and to the pool's range. Traffic between instances of the pool is never masqueraded (a nat
 * POSTROUTING rule returns before the bridge plugin's per-container masquerade), so an instance sees the other's own
 * address, as with flannel's host-gw. Every rule is commented {@code jplay-pool-CIDR}, so it can be found.
 */
public final class PoolRouting {
    /** iproute2's protocol number of jplay's routes. */
    public static final String PROTO = "211";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HostTools tools;

    public PoolRouting() {
        this(HostTools.current());
    }

    PoolRouting(HostTools tools) {
        this.tools = tools;
    }

    /** What {@link #converge} did (or, in check mode, would do). */
    public record Outcome(RouteDiff routes, boolean forwardingTurnedOn, List<String> firewallRulesAdded) {
        public boolean changed() {
            return !routes.isEmpty() || forwardingTurnedOn || !firewallRulesAdded.isEmpty();
        }
    }

    /**
     * Makes jplay's routes inside {@code poolCidr} exactly {@code wanted} (plus whatever is there for a block in
     * {@code keep}), turns forwarding on and accepts the pool's traffic in FORWARD if its policy drops.
     *
     * @throws NetworkException BAD_ROUTE (a route outside the pool, a gateway that is not an IPv4 address),
     *     ROUTE_FAILED (ip, iptables or the sysctl refused; e.g. a gateway not on a directly connected network)
     */
    public Outcome converge(String poolCidr, List<RouteDiff.Route> wanted, Set<String> keep, boolean check) {
        int[] pool = cidr(poolCidr, "pool");
        for (RouteDiff.Route r : wanted) {
            int[] block = cidr(r.dst(), "route");
            if (!inside(block, pool)) {
                throw new NetworkException(NetworkException.BAD_ROUTE, "route " + r + " is not inside the pool " + poolCidr)
                        .detail("dst", r.dst()).detail("pool", poolCidr);
            }
            if (!Ipv4.isLiteral(r.via())) {
                throw new NetworkException(NetworkException.BAD_ROUTE, "route " + r + ": the gateway must be an IPv4 address")
                        .detail("dst", r.dst()).detail("via", r.via());
            }
        }
        List<RouteDiff.Route> current = new ArrayList<>();
        for (RouteDiff.Route r : routes()) {
            if (inside(cidr(r.dst(), "route"), pool)) current.add(r);
        }
        RouteDiff diff = RouteDiff.of(current, wanted, keep);
        boolean forwarding = !Forwarding.on();
        List<String> firewall = missingForwardRules(poolCidr);
        if (!check) {
            if (forwarding) Forwarding.turnOn();
            for (String rule : firewall) iptables(List.of("-I"), rule);
            for (RouteDiff.Route r : diff.delete()) ip("route", "del", r.dst(), "via", r.via(), "proto", PROTO);
            for (RouteDiff.Route r : diff.replace()) ip("route", "replace", r.dst(), "via", r.via(), "proto", PROTO);
        }
        return new Outcome(diff, forwarding, firewall);
    }

    /** What {@link #removeAll} removed (or, in check mode, would remove). */
    public record Removed(List<RouteDiff.Route> routes, List<String> firewallRules) {
        public boolean changed() {
            return !routes.isEmpty() || !firewallRules.isEmpty();
        }
    }

    /**
     * Removes every route and iptables rule jplay's pools put on this host (routes {@code proto 211}, rules commented
     * {@code jplay-pool-CIDR}), of any pool: what a host that leaves the fleet keeps otherwise. Forwarding stays on (other
     * software may need it). Each rule as {@code -t TABLE CHAIN ARGS...}.
     */
    public Removed removeAll(boolean check) {
        List<RouteDiff.Route> routes = tools.find("ip").isPresent() ? routes() : List.of();
        List<String> rules = new ArrayList<>();
        if (tools.find("iptables").isPresent()) {
            for (String table : List.of("nat", "filter")) {
                for (String line : run(List.of(tools.find("iptables").get().toString(), "-w", "5", "-t", table, "-S")).split("\n")) {
                    // iptables quotes a comment with a '/' in it (--comment "jplay-pool-10.77.0.0/24"); jplay's have no space.
                    String[] f = line.trim().replace("\"", "").split("\\s+");
                    if (f.length > 2 && f[0].equals("-A") && List.of(f).contains("--comment")
                            && f[List.of(f).indexOf("--comment") + 1].startsWith("jplay-pool-")) {
                        rules.add("-t " + table + " " + String.join(" ", List.of(f).subList(1, f.length)));
                    }
                }
            }
        }
        if (!check) {
            for (String rule : rules) iptables(List.of("-D"), rule);
            for (RouteDiff.Route r : routes) ip("route", "del", r.dst(), "via", r.via(), "proto", PROTO);
        }
        return new Removed(routes, rules);
    }

    /** jplay's IPv4 routes on this host (any pool). */
    public List<RouteDiff.Route> routes() {
        List<RouteDiff.Route> out = new ArrayList<>();
        for (String line : ip("-4", "-o", "route", "show", "proto", PROTO).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[1].equals("via")) continue; // jplay writes only "DST via GW" routes
            out.add(new RouteDiff.Route(f[0].contains("/") ? f[0] : f[0] + "/32", f[2]));
        }
        return out;
    }

    /**
     * The iptables rules the pool needs that are missing, each as {@code CHAIN ARGS...} with a leading {@code -t TABLE}:
     * the nat exemption of pool-to-pool traffic, and the FORWARD accepts when the policy drops. None without iptables.
     */
    private List<String> missingForwardRules(String poolCidr) {
        if (tools.find("iptables").isEmpty()) return List.of();
        String comment = " -m comment --comment jplay-pool-" + poolCidr;
        List<String> wanted = new ArrayList<>();
        wanted.add("-t nat POSTROUTING -s " + poolCidr + " -d " + poolCidr + comment + " -j RETURN");
        String chain = run(List.of(tools.find("iptables").get().toString(), "-w", "5", "-S", "FORWARD"));
        if (chain.lines().anyMatch(l -> l.trim().equals("-P FORWARD DROP") || l.trim().equals("-P FORWARD REJECT"))) {
            wanted.add("-t filter FORWARD -s " + poolCidr + comment + " -j ACCEPT");
            wanted.add("-t filter FORWARD -d " + poolCidr + comment + " -j ACCEPT");
        }
        List<String> missing = new ArrayList<>();
        for (String rule : wanted) {
            if (!succeeds(List.of("-C"), rule)) missing.add(rule);
        }
        return missing;
    }

    private boolean succeeds(List<String> head, String rule) {
        try {
            iptables(head, rule);
            return true;
        } catch (NetworkException e) {
            return false;
        }
    }

    /** {@code iptables -w 5 -t TABLE OP CHAIN [1] ARGS...} for a rule written {@code -t TABLE CHAIN ARGS...}. */
    private void iptables(List<String> op, String rule) {
        String[] f = rule.split(" ");
        List<String> command = new ArrayList<>(List.of(tools.find("iptables").orElseThrow().toString(), "-w", "5", f[0], f[1]));
        command.addAll(op);
        command.add(f[2]);
        if (op.equals(List.of("-I"))) command.add("1"); // first: before Docker's and the plugins' rules
        command.addAll(List.of(f).subList(3, f.length));
        run(command);
    }

    private String ip(String... args) {
        Optional<Path> ip = tools.find("ip");
        if (ip.isEmpty()) throw failed("the ip command (iproute2) is not installed");
        List<String> command = new ArrayList<>(List.of(ip.get().toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs a command; its stdout, or ROUTE_FAILED with the command and its stderr. */
    private static String run(List<String> command) {
        HostCommand.Result r;
        try {
            r = HostCommand.run(command, TIMEOUT);
        } catch (HostCommand.Failed e) {
            throw failed(e.getMessage()).detail("command", String.join(" ", command));
        }
        if (!r.ok()) {
            throw failed(r.failure()).detail("command", String.join(" ", command)).detail("exit_code", r.exit())
                    .detail("stderr", r.stderr());
        }
        return r.stdout();
    }

    private static NetworkException failed(String message) {
        return new NetworkException(NetworkException.ROUTE_FAILED, message);
    }

    /** {network, prefix} of an IPv4 CIDR. */
    static int[] cidr(String text, String what) {
        int slash = text == null ? -1 : text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        String prefix = slash < 0 ? "" : text.substring(slash + 1);
        if (!Ipv4.isLiteral(address) || !prefix.matches("\\d{1,2}") || Integer.parseInt(prefix) > 32) {
            throw new NetworkException(NetworkException.BAD_ROUTE, what + " must be an IPv4 CIDR like 10.88.0.0/24, got '" + text + "'");
        }
        int len = Integer.parseInt(prefix);
        return new int[] {Ipv4.toInt(address) & Ipv4.mask(len), len};
    }

    static boolean inside(int[] block, int[] pool) {
        return block[1] >= pool[1] && (block[0] & Ipv4.mask(pool[1])) == pool[0];
    }
}
