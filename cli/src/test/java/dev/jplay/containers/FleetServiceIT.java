package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.Main;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.protocol.Json;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.ClientNamespace;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet services' data plane (issue 13) on real sshd hosts, through the real agent, nft and the kernel's NAT: four
 * instances on two hosts (a pool with a block per host, so hosts route to each other's instances), the
 * {@code fleet_service} module applied on both hosts, and a client in a network namespace of its own on the fleet's
 * bridge (not a fleet host, not this machine's namespace) calling one host's service port. Every address used is a
 * test namespace's or a pool address inside them.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class FleetServiceIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: the hosts reach the registry here
    static final String HOST_STATE = "/root/.jplay/state";
    static final int HOSTS = 2;
    static final int REQUESTS = 40;

    static TestFleet fleet;
    static RegistryServer registry;
    static ClientNamespace client;
    static Path work;
    static Path stateDir;
    static FleetState placed;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        stateDir = dir.resolve("fleet-state");
        fleet = TestFleet.start(FleetServiceIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        TestImages.Pushed web = TestImages.pushBusybox(registry, "svc/web:1", "unused\n");
        Files.writeString(dir.resolve("instances.yml"), """
                - hosts: net
                  replicas: {app: svc, count: 4, pool: apps, max_per_host: 2}
                  vars:
                    jplay_ip_pools:
                      apps: {cidr: 10.79.0.0/24, per_host_prefix: 26}
                  tasks:
                    - name: instance
                      container:
                        name: "{{ instance.name }}"
                        image: %s
                        insecure: true
                        network: "{{ instance }}"
                        stop_timeout: 2
                        command: [sh, -c, 'echo {{ instance.name }} > /www/index.html && { httpd -f -p 8080 -h /www & trap "exit 0" TERM; wait; }']
                      loop: "{{ jplay_instances }}"
                      loop_control: {loop_var: instance}
                """.formatted(web.reference()));
        Files.writeString(dir.resolve("services.yml"), """
                - hosts: net
                  vars: {web: [], dns: [], self: [], svc_state: present}
                  tasks:
                    - name: web
                      fleet_service: {name: web, port: 80, target_port: 8080, backends: "{{ web }}", state: "{{ svc_state }}"}
                    - name: dns
                      fleet_service: {name: dns, port: 53, target_port: 5353, protocol: udp, backends: "{{ dns }}", state: "{{ svc_state }}"}
                    - name: self
                      fleet_service: {name: self, port: 81, target_port: 8080, backends: "{{ self }}", state: "{{ svc_state }}"}
                """);
        Files.writeString(dir.resolve("query.yml"), """
                - hosts: net
                  tasks:
                    - fleet_service: {state: query}
                      register: q
                    - name: services
                      debug: {var: q.services}
                """);
        StringBuilder inventory = new StringBuilder("""
                all:
                  vars: {ansible_user: root, ansible_ssh_private_key_file: %s}
                  children:
                    net:
                      hosts:
                """.formatted(fleet.clientKey()));
        for (int i = 1; i <= HOSTS; i++) {
            inventory.append("        ").append(fleet.name(i)).append(": {ansible_host: ").append(fleet.address(i)).append("}\n");
        }
        Files.writeString(dir.resolve("hosts.yml"), inventory);
        RunReport instances = apply("instances.yml");
        assertEquals(0, instances.exitCode(), () -> "failures: " + instances.failures());
        placed = new FleetStateStore(stateDir).load("svc").orElseThrow(() -> new AssertionError("no saved state for svc"));
        assertEquals(2, on(1).size(), placed.instances().toString());
        assertEquals(2, on(2).size(), placed.instances().toString());
        client = ClientNamespace.attach(fleet, 2);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (client != null) client.close();
        } finally {
            if (registry != null) registry.close();
            if (fleet != null) fleet.close();
        }
    }

    @Test
    void aHostsServicePortSpreadsConnectionsOverTheInstancesOfBothHostsAndFollowsTheBackends() throws Exception {
        List<String> all = ips(placed.instances());
        FleetState.Instance self = on(1).get(0);
        RunReport first = apply("services.yml", vars(all, all, List.of(self.ip())));
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        assertEquals(3 * HOSTS, changed(first), "three tables on each host");
        RunReport again = apply("services.yml", vars(all, all, List.of(self.ip())));
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, changed(again), "the kernel's rules are what would be written: nothing changes");

        // From the client to host 1's address: every request answered, by instances of both hosts.
        List<String> answers = tcp(fleet.address(1), 80, REQUESTS);
        assertEquals(REQUESTS, answers.size(), answers.toString());
        assertTrue(names(placed.instances()).containsAll(answers), "every request answered by an instance: " + answers);
        assertEquals(Set.of(fleet.name(1), fleet.name(2)), hostsOf(answers), "answers from both hosts: " + answers);
        // The host itself (nat output hook) and an instance through its own host's gateway-side path.
        List<String> fromHost = hostTcp(2, fleet.address(2), 80, 10);
        assertTrue(names(placed.instances()).containsAll(fromHost) && fromHost.size() == 10, fromHost.toString());
        // A service whose only backend is the instance that calls it: hairpin, the connection comes back to itself.
        assertEquals(List.of(self.name(), self.name(), self.name()), instanceTcp(1, self, fleet.address(1), 81, 3));
        FleetState.Instance neighbour = on(1).get(1);
        assertEquals(List.of(self.name(), self.name()), instanceTcp(1, neighbour, fleet.address(1), 81, 2), "to its neighbour on the bridge");

        // UDP through the service: an echo in each instance's namespace answers with the instance's name.
        List<CompletableFuture<String>> echoes = new ArrayList<>();
        for (FleetState.Instance i : placed.instances()) echoes.add(udpEcho(i));
        List<String> udp = udp(fleet.address(2), 53, REQUESTS);
        assertEquals(REQUESTS, udp.size(), udp.toString());
        assertTrue(names(placed.instances()).containsAll(udp), "every datagram answered by an instance: " + udp);
        assertEquals(Set.of(fleet.name(1), fleet.name(2)), hostsOf(udp), "answers from both hosts: " + udp);

        // A UDP client that keeps its source port (a resolver) is moved off a backend the service no longer has: the
        // module forgets the flow (conntrack), which would otherwise keep going to the removed instance.
        Path moved = work.resolve("moved");
        Process steady = new ProcessBuilder("ip", "netns", "exec", client.name(), "/usr/bin/python3", "-c", STEADY_UDP_CLIENT,
                fleet.address(2), "53", moved.toString()).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(steady.getInputStream()))) {
            String firstAnswer = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
            FleetState.Instance answered = placed.instances().stream().filter(i -> i.name().equals(firstAnswer)).findFirst()
                    .orElseThrow(() -> new AssertionError("not an instance: " + firstAnswer));
            List<String> withoutFirst = all.stream().filter(ip -> !ip.equals(answered.ip())).toList();
            RunReport moveOff = apply("services.yml", vars(all, withoutFirst, List.of(self.ip())));
            assertEquals(0, moveOff.exitCode(), () -> "failures: " + moveOff.failures());
            TaskOutcome onHost2 = moveOff.results().stream().filter(r -> r.task().equals("dns") && r.host().equals(fleet.name(2)))
                    .findFirst().orElseThrow();
            // At least the steady client's (the datagrams above left theirs in the table too, for 30 s).
            assertTrue(onHost2.msg().matches(".*forgot [1-9][0-9]* UDP flow\\(s\\) to " + answered.ip().replace(".", "\\.") + ":.*"),
                    onHost2.msg());
            Files.writeString(moved, "go");
            String secondAnswer = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
            assertTrue(names(placed.instances()).contains(secondAnswer) && !secondAnswer.equals(answered.name()),
                    "the same client socket now reaches another instance than the removed " + answered.name() + ": " + secondAnswer);
        } finally {
            steady.destroyForcibly();
        }

        // Without host 2's instances: no request reaches them any more, from either host's port.
        List<String> only1 = ips(on(1));
        RunReport shrunk = apply("services.yml", vars(only1, only1, List.of(self.ip())));
        assertEquals(0, shrunk.exitCode(), () -> "failures: " + shrunk.failures());
        assertEquals(2 * HOSTS, changed(shrunk), "web and dns replaced on both hosts, self unchanged");
        for (int h = 1; h <= HOSTS; h++) {
            List<String> after = tcp(fleet.address(h), 80, REQUESTS / 2);
            assertEquals(REQUESTS / 2, after.size(), after.toString());
            assertEquals(Set.of(fleet.name(1)), hostsOf(after), "only host 1's instances, through " + fleet.name(h) + ": " + after);
            List<String> udpAfter = udp(fleet.address(h), 53, REQUESTS / 2);
            assertEquals(Set.of(fleet.name(1)), hostsOf(udpAfter), "UDP too: " + udpAfter);
        }
        for (FleetState.Instance i : placed.instances()) { // the echoes end on "bye" from their host
            fleet.exec(hostOf(i), "/usr/bin/python3", "-c", "import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
                    + ".sendto(b'bye', (sys.argv[1], 5353))", i.ip());
        }
        for (CompletableFuture<String> echo : echoes) echo.get(60, TimeUnit.SECONDS);

        // No backend: refused at once, not a black hole.
        RunReport none = apply("services.yml", vars(List.of(), only1, List.of(self.ip())));
        assertEquals(0, none.exitCode(), () -> "failures: " + none.failures());
        String refused = client.exec("sh", "-c", "timeout 5 busybox wget -q -O - http://$0:80/ 2>&1; echo rc=$?", fleet.address(1));
        assertTrue(refused.contains("Connection refused") && refused.endsWith("rc=1"), refused);

        // jplay ps's question: what every host serves, read back from the kernel.
        RunReport query = apply("query.yml");
        assertEquals(0, query.exitCode(), () -> "failures: " + query.failures());
        assertEquals(0, changed(query));
        for (TaskOutcome r : query.results().stream().filter(r -> r.task().equals("services")).toList()) {
            assertEquals("q.services: [{name=dns, port=53, target_port=5353, protocol=udp, backends=" + only1 + ", traffic_policy=cluster}, "
                    + "{name=self, port=81, target_port=8080, protocol=tcp, backends=[" + self.ip() + "], traffic_policy=cluster}, "
                    + "{name=web, port=80, target_port=8080, protocol=tcp, backends=[], traffic_policy=cluster}]", r.msg().replace("\"", ""), r.host());
        }
    }

    @Test
    void absentRemovesTheServicesTablesAndNothingElse() throws Exception {
        for (int h = 1; h <= HOSTS; h++) {
            fleet.exec(h, "nft", "add", "table", "ip", "it-other");
            fleet.exec(h, "nft", "add", "chain", "ip", "it-other", "input", "{ type filter hook input priority 0; policy accept; }");
        }
        RunReport present = apply("services.yml", vars(ips(placed.instances()), List.of(), List.of()));
        assertEquals(0, present.exitCode(), () -> "failures: " + present.failures());
        String before = fleet.exec(1, "nft", "list", "tables");
        assertTrue(before.contains("table ip jplay-svc-web") && before.contains("table ip jplay-svc-dns"), before);

        RunReport absent = apply("services.yml", Map.of("svc_state", "absent"));
        assertEquals(0, absent.exitCode(), () -> "failures: " + absent.failures());
        assertEquals(3 * HOSTS, changed(absent));
        for (int h = 1; h <= HOSTS; h++) {
            String tables = fleet.exec(h, "nft", "list", "tables");
            assertTrue(tables.lines().noneMatch(l -> l.contains("jplay-svc-")), tables);
            assertTrue(tables.lines().anyMatch(l -> l.equals("table ip it-other")), "another table survives: " + tables);
            assertTrue(tables.lines().anyMatch(l -> l.equals("table ip nat")), "the CNI plugins' iptables-nft table survives: " + tables);
        }
        RunReport again = apply("services.yml", Map.of("svc_state", "absent"));
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, changed(again), "absent and already gone: ok");
        String refused = client.exec("sh", "-c", "timeout 5 busybox wget -q -O - http://$0:80/ 2>&1; echo rc=$?", fleet.address(1));
        assertTrue(refused.contains("Connection refused"), "nothing listens on port 80 of the host once the service is gone: " + refused);
    }

    @Test
    void aPortTheHostAlreadyReceivesIsRefusedNamingWhatHasIt() throws Exception {
        Files.writeString(work.resolve("ssh.yml"), """
                - hosts: net
                  tasks:
                    - name: ssh
                      fleet_service: {name: ssh, port: 22, backends: %s}
                """.formatted(Json.writeString(ips(placed.instances()))));
        RunReport taken = apply("ssh.yml");
        assertEquals(2, taken.exitCode(), () -> "failures: " + taken.failures());
        assertEquals(HOSTS, taken.failures().size(), taken.failures().toString());
        for (FailureInfo f : taken.failures()) {
            int h = f.host().equals(fleet.name(1)) ? 1 : 2;
            assertEquals("network", f.step());
            assertEquals("SERVICE_PORT_IN_USE", f.code());
            assertTrue(f.cause().contains("tcp port 22 is taken on this host by a socket listening on " + fleet.address(h) + ":22"), f.cause());
            assertEquals(List.of("a socket listening on " + fleet.address(h) + ":22"), f.detail().get("taken_by"));
            assertTrue(fleet.exec(h, "nft", "list", "tables").lines().noneMatch(l -> l.contains("jplay-svc-ssh")), "no table written");
        }
        RunReport stillReachable = apply("query.yml");
        assertEquals(0, stillReachable.exitCode(), "sshd still answers: " + stillReachable.failures());
    }

    // ---- helpers ----

    static Map<String, Object> vars(List<String> web, List<String> dns, List<String> self) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("web", web);
        v.put("dns", dns);
        v.put("self", self);
        return v;
    }

    static RunReport apply(String playbook) throws Exception {
        return apply(playbook, Map.of());
    }

    static RunReport apply(String playbook, Map<String, Object> extraVars) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", work.resolve(playbook).toString(), "-i", work.resolve("hosts.yml").toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir", stateDir.toString()));
        if (!extraVars.isEmpty()) args.addAll(List.of("-e", Json.writeString(extraVars)));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return report;
    }

    static List<FleetState.Instance> on(int host) {
        return placed.instances().stream().filter(i -> i.host().equals(fleet.name(host))).toList();
    }

    static List<String> ips(List<FleetState.Instance> instances) {
        return instances.stream().map(FleetState.Instance::ip).toList();
    }

    static Set<String> names(List<FleetState.Instance> instances) {
        return instances.stream().map(FleetState.Instance::name).collect(Collectors.toSet());
    }

    /** The hosts of the instances named in {@code answers}. */
    static Set<String> hostsOf(List<String> answers) {
        Set<String> hosts = new TreeSet<>();
        for (String a : answers) {
            placed.instances().stream().filter(i -> i.name().equals(a)).forEach(i -> hosts.add(i.host()));
        }
        return hosts;
    }

    static int hostOf(FleetState.Instance instance) {
        return instance.host().equals(fleet.name(1)) ? 1 : 2;
    }

    static int changed(RunReport report) {
        return report.recap().values().stream().mapToInt(HostRecap::changed).sum();
    }

    static String netns(FleetState.Instance instance) {
        return HOST_STATE + "/network/netns/" + instance.name();
    }

    /**
     * {@code count} GETs, one connection each, one after the other; a body per answered request and "FAIL" for each
     * that was not (each bounded by 5 s: busybox wget's own -T crashes this busybox).
     */
    static final String GETS = "for i in $(seq 1 $2); do timeout 5 busybox wget -q -O - \"$1\" 2>/dev/null || echo FAIL; done";

    static List<String> tcp(String address, int port, int count) {
        return lines(client.exec("sh", "-c", GETS, "gets", "http://" + address + ":" + port + "/", String.valueOf(count)));
    }

    static List<String> hostTcp(int host, String address, int port, int count) {
        return lines(fleet.exec(host, "sh", "-c", GETS, "gets", "http://" + address + ":" + port + "/", String.valueOf(count)));
    }

    static List<String> instanceTcp(int host, FleetState.Instance from, String address, int port, int count) {
        return lines(fleet.exec(host, "nsenter", "--net=" + netns(from), "sh", "-c", GETS, "gets",
                "http://" + address + ":" + port + "/", String.valueOf(count)));
    }

    /**
     * A UDP echo in {@code instance}'s network namespace on its host, on the dns service's target port: answers each
     * datagram with the instance's name; exits on "bye", or after 90 s without a datagram. Returns once it answered a probe from its host.
     */
    static CompletableFuture<String> udpEcho(FleetState.Instance instance) throws Exception {
        int host = hostOf(instance);
        String server = """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("0.0.0.0", 5353))
                s.settimeout(90)
                try:
                    while True:
                        data, peer = s.recvfrom(512)
                        if data == b"bye":
                            break
                        s.sendto(b"%s", peer)
                except socket.timeout:
                    pass
                """.formatted(instance.name());
        CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> fleet.exec(host, "nsenter", "--net=" + netns(instance),
                "timeout", "120", "/usr/bin/python3", "-c", server));
        String probe = fleet.exec(host, "/usr/bin/python3", "-c", UDP_CLIENT + "\nimport time\n", instance.ip(), "5353", "1", "50");
        assertEquals(instance.name(), probe.strip(), "the echo of " + instance.name() + " answers");
        return running;
    }

    /**
     * {@code count} datagrams to {@code host:port}, each from a socket (a source port) of its own, so each is a new
     * connection for conntrack; prints the answer or TIMEOUT (3 s) for each. With a fourth argument, retries up to that
     * many times until the first answer (for a server just starting).
     */
    static final String UDP_CLIENT = """
            import socket, sys, time
            host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            tries = int(sys.argv[4]) if len(sys.argv) > 4 else 1
            for i in range(count):
                for t in range(tries):
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.settimeout(3 if tries == 1 else 0.1)
                    s.sendto(b"who", (host, port))
                    try:
                        print(s.recvfrom(512)[0].decode(), flush=True)
                        break
                    except OSError:
                        if t == tries - 1:
                            print("TIMEOUT", flush=True)
                        time.sleep(0.1 if tries > 1 else 0)
                    finally:
                        s.close()
            """;

    /**
     * One socket (one source port) for two datagrams: prints the first answer, waits (at most 60 s) for the file
     * argv[3] to exist, then prints the second answer, or TIMEOUT (3 s each).
     */
    static final String STEADY_UDP_CLIENT = """
            import os, socket, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(3)
            def ask():
                s.sendto(b"who", (sys.argv[1], int(sys.argv[2])))
                try:
                    print(s.recvfrom(512)[0].decode(), flush=True)
                except OSError:
                    print("TIMEOUT", flush=True)
            ask()
            deadline = time.time() + 60
            while not os.path.exists(sys.argv[3]) and time.time() < deadline:
                time.sleep(0.1)
            ask()
            """;

    static String readLine(java.io.BufferedReader in) {
        try {
            return String.valueOf(in.readLine()).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> udp(String address, int port, int count) {
        return lines(client.exec("/usr/bin/python3", "-c", UDP_CLIENT, address, String.valueOf(port), String.valueOf(count)));
    }

    static List<String> lines(String output) {
        return output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
