package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.Main;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an instance needs on the network (issue 13), on real sshd hosts through the real agent, real CNI plugins
 * (bridge, portmap) and the kernel's NAT: hosts 1 and 2 run one instance each from a pool with a block per host;
 * host 3 is not in the play: it stands for "the outside" (a client of published ports, a server instances call).
 * Every address used is a test-fleet namespace's or a pool address inside them.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class InstanceNetworkFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: the hosts reach the registry here
    static final String HOST_STATE = "/root/.jplay/state";
    static final int PLAY_HOSTS = 2;
    static final int OUTSIDE = 3;
    static final String TASK = "app";

    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed web;
    static Path work;
    static Path stateDir;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        stateDir = dir.resolve("fleet-state");
        fleet = TestFleet.start(InstanceNetworkFleetIT.class, PLAY_HOSTS + 1);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        web = TestImages.pushBusybox(registry, "netpub/web:1", "unused\n");
        Files.writeString(dir.resolve("play.yml"), """
                - hosts: net
                  replicas: {app: netpub, count: "{{ count }}", pool: apps, max_per_host: 1}
                  vars:
                    count: 2
                    masq: true
                    ports: ["8080:80", "127.0.0.1:8081:80"]
                    jplay_ip_pools:
                      apps: {cidr: 10.77.0.0/24, per_host_prefix: 26, masquerade: "{{ masq }}"}
                  tasks:
                    - name: gone
                      container: {name: "{{ instance.name }}", state: absent}
                      loop: "{{ jplay_removed_instances }}"
                      loop_control: {loop_var: instance}
                    - name: %s
                      container:
                        name: "{{ instance.name }}"
                        image: %s
                        insecure: true
                        network: "{{ instance }}"
                        published_ports: "{{ ports }}"
                        stop_timeout: 2
                        command: [sh, -c, 'echo {{ instance.name }} > /www/index.html && { httpd -f -p 80 -h /www & trap "exit 0" TERM; wait; }']
                      loop: "{{ jplay_instances }}"
                      loop_control: {loop_var: instance}
                """.formatted(TASK, web.reference()));
        StringBuilder inventory = new StringBuilder("""
                all:
                  vars: {ansible_user: root, ansible_ssh_private_key_file: %s}
                  children:
                    net:
                      hosts:
                """.formatted(fleet.clientKey()));
        for (int i = 1; i <= PLAY_HOSTS; i++) {
            inventory.append("        ").append(fleet.name(i)).append(": {ansible_host: ").append(fleet.address(i)).append("}\n");
        }
        Files.writeString(dir.resolve("hosts.yml"), inventory);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (fleet != null && web != null) {
                RunReport zero = apply("count=0");
                assertEquals(0, zero.exitCode(), () -> "failures: " + zero.failures());
                for (int i = 1; i <= PLAY_HOSTS; i++) {
                    // portmap's shared CNI-HOSTPORT-* chains stay (as Docker's DOCKER chain does); per-container ones go.
                    assertEquals(List.of(), nat(i).lines().filter(l -> l.matches(".*CNI-(?!HOSTPORT-).*")).toList(),
                            "the plugins' per-container nat chains left with the containers on " + fleet.name(i));
                }
            }
        } finally {
            if (registry != null) registry.close();
            if (fleet != null) fleet.close();
        }
    }

    @Test
    void publishedPortsAnswerOnTheHostAndOutboundTrafficIsMasqueradedUnlessTheyPoolSaysNot() throws Exception {
        RunReport first = apply();
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        FleetState placed = state();
        assertEquals(PLAY_HOSTS, placed.instances().size());
        for (int h = 1; h <= PLAY_HOSTS; h++) {
            FleetState.Instance mine = on(placed, h);
            // (a) 8080 on every address of the host: from another machine (host 3) to the host's address.
            assertEquals(mine.name(), get(OUTSIDE, fleet.address(h), 8080, true), "8080 published on " + fleet.name(h));
            // 8081 is bound to 127.0.0.1: the host itself reaches it there; nobody reaches it on the host's address.
            assertEquals(mine.name(), get(h, "127.0.0.1", 8081, true), "127.0.0.1:8081 from " + fleet.name(h) + " itself");
            assertEquals("", get(OUTSIDE, fleet.address(h), 8081, false), "127.0.0.1:8081 is not published on the host's address");
            // (b) outbound: a server on host 3 sees the host's address, not the instance's.
            assertEquals(fleet.address(h), sourceSeenFromOutside(h, mine), "masqueraded behind " + fleet.name(h));
        }

        RunReport again = apply();
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, changed(again), "same ports, same masquerade: nothing changes");

        // Other ports: the instances are recreated with them; the old host port is closed.
        RunReport moved = apply("{\"ports\": [\"9090:80/tcp\"]}");
        assertEquals(0, moved.exitCode(), () -> "failures: " + moved.failures());
        assertEquals(PLAY_HOSTS, changed(moved), "each instance recreated with its new ports");
        assertTrue(moved.results().stream().filter(r -> r.task().equals(TASK))
                .allMatch(r -> r.msg().contains("ports 8080:80/tcp,127.0.0.1:8081:80/tcp -> ") && r.msg().endsWith("ports 9090:80/tcp), running")),
                () -> String.valueOf(moved.results()));
        for (int h = 1; h <= PLAY_HOSTS; h++) {
            assertEquals(on(placed, h).name(), get(OUTSIDE, fleet.address(h), 9090, true));
            assertEquals("", get(OUTSIDE, fleet.address(h), 8080, false), "8080 closed on " + fleet.name(h));
        }

        // masquerade: false on the pool: traffic leaves with the instance's own address (host 3 routes the pool back).
        RunReport plain = apply("masq=false");
        assertEquals(0, plain.exitCode(), () -> "failures: " + plain.failures());
        assertEquals(PLAY_HOSTS, changed(plain), "each instance recreated without masquerade");
        for (int h = 1; h <= PLAY_HOSTS; h++) {
            FleetState.Instance mine = on(placed, h);
            fleet.exec(OUTSIDE, "ip", "route", "replace", mine.ip() + "/32", "via", fleet.address(h));
            assertEquals(mine.ip(), sourceSeenFromOutside(h, mine), "not masqueraded: " + mine.name() + "'s own address");
            assertTrue(nat(h).lines().noneMatch(l -> l.contains("MASQUERADE") && l.contains(mine.ip())), nat(h));
        }
    }

    @Test
    void instancesReachEachOtherAcrossHostsThroughJplaysRoutesUntilAHostIsScaledToZero() throws Exception {
        fleet.exec(2, "iptables", "-P", "FORWARD", "DROP"); // as dockerd leaves it: jplay must let the pool through
        RunReport first = apply();
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        FleetState placed = state();
        FleetState.Instance one = on(placed, 1);
        FleetState.Instance two = on(placed, 2);
        String blockOf1 = placed.hostBlocks().get(fleet.name(1));
        String blockOf2 = placed.hostBlocks().get(fleet.name(2));
        // (c) host-gw: each host routes the other's block through the other's address, as jplay's own routes.
        assertEquals(blockOf2 + " via " + fleet.address(2), jplayRoutes(1));
        assertEquals(blockOf1 + " via " + fleet.address(1), jplayRoutes(2));
        String forward = fleet.exec(2, "iptables", "-S", "FORWARD");
        assertTrue(forward.contains("-A FORWARD -s 10.77.0.0/24 -m comment --comment \"jplay-pool-10.77.0.0/24\" -j ACCEPT")
                && forward.contains("-A FORWARD -d 10.77.0.0/24 -m comment --comment \"jplay-pool-10.77.0.0/24\" -j ACCEPT"), forward);
        // An instance on host 1 reaches the one on host 2 by its IP, and is seen there with its own address.
        assertEquals(two.name(), getFrom(1, one, two.ip()));
        assertEquals(one.ip(), sourceSeen(2, two, two.ip(), 9100, 1, one), "no masquerade between the pool's instances");
        assertEquals(one.name(), getFrom(2, two, one.ip()));

        // The route is what carries it: deleted by hand, host 1's instance no longer reaches host 2's (the test hosts
        // have no default route, so nothing leaves the fleet); the next run puts it back, changing nothing else.
        fleet.exec(1, "ip", "route", "del", blockOf2, "proto", "211");
        assertEquals("", getFrom(1, one, two.ip(), false), "unreachable without jplay's route");
        RunReport repaired = apply();
        assertEquals(0, repaired.exitCode(), () -> "failures: " + repaired.failures());
        assertEquals(1, changed(repaired), "only host 1's routes task changed");
        assertEquals(blockOf2 + " via " + fleet.address(2), jplayRoutes(1));
        assertEquals(two.name(), getFrom(1, one, two.ip()));

        RunReport again = apply();
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, changed(again), "routes in place: the routes task is ok too");

        // Scale to one instance: the host left without one gives up its block, and the other host drops its route.
        RunReport shrunk = apply("count=1");
        assertEquals(0, shrunk.exitCode(), () -> "failures: " + shrunk.failures());
        FleetState after = state();
        assertEquals(1, after.instances().size());
        int kept = after.instances().get(0).host().equals(fleet.name(1)) ? 1 : 2;
        int idle = 3 - kept;
        assertEquals(List.of(fleet.name(kept)), List.copyOf(after.hostBlocks().keySet()));
        assertEquals("", jplayRoutes(kept), "no route to " + fleet.name(idle) + "'s block any more");
        assertEquals(after.hostBlocks().get(fleet.name(kept)) + " via " + fleet.address(kept), jplayRoutes(idle),
                fleet.name(idle) + " still reaches the remaining block");
    }

    // ---- helpers ----

    /** jplay's routes on host i ({@code proto 211}), one "DST via GW" per line. */
    static String jplayRoutes(int host) {
        return fleet.exec(host, "ip", "-4", "-o", "route", "show", "proto", "211").lines()
                .map(l -> l.trim().replaceAll(" dev .*", "")).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /** {@code GET http://ip/} from inside {@code client}'s network namespace on host {@code host}, retried for 5 s. */
    static String getFrom(int host, FleetState.Instance client, String ip) {
        return getFrom(host, client, ip, true);
    }

    /** As {@link #getFrom(int, FleetState.Instance, String)}; "" when nothing answered (one try without {@code retry}). */
    static String getFrom(int host, FleetState.Instance client, String ip, boolean retry) {
        String script = """
                for t in $(seq 1 %d); do
                  body=$(timeout 1 bash -c 'exec 3<>/dev/tcp/'"$1"'/80 && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3' 2>/dev/null | tail -n 1)
                  [ -n "$body" ] && { echo "$body"; exit 0; }
                  sleep 0.1
                done
                """.formatted(retry ? 50 : 1);
        return fleet.exec(host, "nsenter", "--net=" + netns(client), "bash", "-c", script, "get", ip).trim();
    }

    static RunReport apply(String... extraVars) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", work.resolve("play.yml").toString(), "-i", work.resolve("hosts.yml").toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir", stateDir.toString()));
        for (String v : extraVars) args.addAll(List.of("-e", v));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return report;
    }

    static FleetState state() {
        return new FleetStateStore(stateDir).load("netpub").orElseThrow(() -> new AssertionError("no saved state for netpub"));
    }

    static FleetState.Instance on(FleetState state, int host) {
        return state.instances().stream().filter(i -> i.host().equals(fleet.name(host))).findFirst()
                .orElseThrow(() -> new AssertionError("no instance on " + fleet.name(host) + ": " + state.instances()));
    }

    static String netns(FleetState.Instance instance) {
        return HOST_STATE + "/network/netns/" + instance.name();
    }

    static int changed(RunReport report) {
        return report.recap().values().stream().mapToInt(HostRecap::changed).sum();
    }

    /** The nat table of host i's namespace (the rules the bridge and portmap plugins wrote there). */
    static String nat(int host) {
        return fleet.exec(host, "iptables", "-t", "nat", "-S");
    }

    /**
     * {@code GET /} of {@code ip:port} from inside host {@code host} (bash's /dev/tcp): the body's last line, or "" when
     * nothing answered. With {@code retry}, tried for up to 5 s (httpd binds a moment after the container starts).
     */
    static String get(int host, String ip, int port, boolean retry) {
        String script = """
                for t in $(seq 1 %d); do
                  body=$(timeout 1 bash -c 'exec 3<>/dev/tcp/'"$1"'/'"$2"' && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3' 2>/dev/null | tail -n 1)
                  [ -n "$body" ] && { echo "$body"; exit 0; }
                  sleep 0.1
                done
                """.formatted(retry ? 50 : 1);
        return fleet.exec(host, "bash", "-c", script, "get", ip, String.valueOf(port)).trim();
    }

    /** {@link #sourceSeen} by a server on host 3, which is not in the play, from {@code instance} on host {@code host}. */
    static String sourceSeenFromOutside(int host, FleetState.Instance instance) throws Exception {
        return sourceSeen(OUTSIDE, null, fleet.address(OUTSIDE), 9000 + host, host, instance);
    }

    /**
     * A server on host {@code serverHost} (in {@code serverNetns}, an instance's namespace, or the host's own when null)
     * accepts one connection on {@code serverAddress:port} and answers with the peer address it saw; a client in
     * {@code client}'s network namespace on host {@code clientHost} connects to it. Returns what the server printed.
     */
    static String sourceSeen(int serverHost, FleetState.Instance serverNetns, String serverAddress, int port, int clientHost,
            FleetState.Instance client) throws Exception {
        String server = """
                import socket
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("0.0.0.0", %d))
                s.listen(1)
                s.settimeout(20)
                c, peer = s.accept()
                c.sendall(peer[0].encode())
                c.close()
                print(peer[0])
                """.formatted(port);
        List<String> serverCommand = new ArrayList<>();
        if (serverNetns != null) serverCommand.addAll(List.of("nsenter", "--net=" + netns(serverNetns)));
        serverCommand.addAll(List.of("timeout", "30", "/usr/bin/python3", "-c", server));
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(
                () -> fleet.exec(serverHost, serverCommand.toArray(String[]::new)).trim());
        String clientScript = """
                for t in $(seq 1 100); do
                  got=$(timeout 1 bash -c 'exec 3<>/dev/tcp/'"$1"'/'"$2"' && cat <&3' 2>/dev/null)
                  [ -n "$got" ] && { echo "$got"; exit 0; }
                  sleep 0.1
                done
                exit 1
                """;
        String answer = fleet.exec(clientHost, "nsenter", "--net=" + netns(client),
                "bash", "-c", clientScript, "client", serverAddress, String.valueOf(port)).trim();
        String printed = seen.get(40, TimeUnit.SECONDS);
        assertEquals(printed, answer, "the client got what the server saw");
        return printed;
    }
}
