package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.Main;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.ClientNamespace;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A play's {@code service: {traffic_policy}} on real hosts (issue 13): three hosts, four instances on hosts 1 and 2
 * (host 3 has {@code jplay_weight: 0}: in the play, so it serves the port, but without an instance), each answering
 * with its name and the address it sees the request come from (a CGI of busybox httpd), and a client in a network
 * namespace of its own on the fleet's bridge. Under {@code local} a host's port answers only from its own instances,
 * which see the client's address; under {@code cluster} from several hosts, seeing the receiving host's address.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ServiceTrafficPolicyIT {
    static final String BRIDGE = "10.213.0.1";
    static final String HOST_STATE = "/root/.jplay/state";
    static final int REQUESTS = 24;

    static TestFleet fleet;
    static RegistryServer registry;
    static ClientNamespace client;
    static Path work;
    static Path stateDir;
    static String image;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        stateDir = dir.resolve("fleet-state");
        fleet = TestFleet.start(ServiceTrafficPolicyIT.class, 3);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        image = TestImages.pushBusybox(registry, "svc/who:1", "unused\n").reference();
        StringBuilder inventory = new StringBuilder("""
                all:
                  vars: {ansible_user: root, ansible_ssh_private_key_file: %s}
                  children:
                    web:
                      hosts:
                """.formatted(fleet.clientKey()));
        for (int i = 1; i <= 3; i++) {
            inventory.append("        ").append(fleet.name(i)).append(": {ansible_host: ").append(fleet.address(i))
                    .append(i == 3 ? ", jplay_weight: 0" : "").append("}\n");
        }
        Files.writeString(dir.resolve("hosts.yml"), inventory);
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

    /** The play, with the service's traffic policy (play keywords are not templates). */
    static Path playbook(String policy) throws Exception {
        return Files.writeString(work.resolve(policy + ".yml"), """
                - hosts: web
                  replicas: {app: who, count: 4, pool: apps}
                  service: {name: who, port: 80, target_port: 8080, traffic_policy: %s}
                  vars:
                    jplay_ip_pools:
                      apps: {cidr: 10.81.0.0/24, per_host_prefix: 26}
                  tasks:
                    - container: {name: "{{ instance.name }}", state: absent}
                      loop: "{{ jplay_removed_instances }}"
                      loop_control: {loop_var: instance}
                    - container:
                        name: "{{ instance.name }}"
                        image: %s
                        insecure: true
                        network: "{{ instance }}"
                        stop_timeout: 2
                        command: [sh, -c, 'mkdir -p /www/cgi-bin && printf "#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho {{ instance.name }} \\$REMOTE_ADDR\\n" > /www/cgi-bin/who && chmod +x /www/cgi-bin/who && { httpd -f -p 8080 -h /www & trap "exit 0" TERM; wait; }']
                        healthcheck: {tcp: "{{ instance.ip }}:8080", interval: 200ms, timeout: 1s, retries: 10}
                      loop: "{{ jplay_instances }}"
                      loop_control: {loop_var: instance}
                """.formatted(policy, image));
    }

    @Test
    void localAnswersFromTheReceivingHostsOwnInstancesWhichSeeTheClientClusterFromSeveralHosts() throws Exception {
        RunReport local = apply(playbook("local"));
        assertEquals(0, local.exitCode(), () -> "failures: " + local.failures());
        FleetState placed = new FleetStateStore(stateDir).load("who").orElseThrow();
        assertEquals(2, on(placed, 1).size(), placed.instances().toString());
        assertEquals(2, on(placed, 2).size(), placed.instances().toString());
        assertTrue(fleet.exec(1, "nft", "list", "table", "ip", "jplay-svc-who").contains("traffic_policy local"));

        for (int h = 1; h <= 2; h++) {
            List<String[]> answers = get(fleet.address(h));
            assertEquals(Set.of(fleet.name(h)), hostsOf(placed, answers), "only host " + h + "'s instances answer through its port");
            assertEquals(Set.of(client.address()), seen(answers), "the backends see the client's own address");
            assertEquals(names(on(placed, h)), instancesOf(answers), "both of its instances: " + names(answers));
        }
        // Host 3 has no instance: it falls back to every instance, masqueraded (it stays a way in, as jplay has no load
        // balancer that would stop sending it clients), and says so in its table.
        List<String[]> fallback = get(fleet.address(3));
        assertEquals(Set.of(fleet.name(1), fleet.name(2)), hostsOf(placed, fallback));
        assertEquals(Set.of(fleet.address(3)), seen(fallback), "the fallback is cluster: masqueraded");
        assertTrue(!fleet.exec(3, "nft", "list", "table", "ip", "jplay-svc-who").contains("traffic_policy local"));

        // An instance calling its host's service (its gateway) is answered too: by itself (the hairpin rule masquerades
        // it) or its neighbour on the bridge (the bridge's netfilter undoes the DNAT), and still only on its host.
        FleetState.Instance caller = on(placed, 1).get(0);
        List<String[]> inside = lines(fleet.exec(1, "nsenter", "--net=" + HOST_STATE + "/network/netns/" + caller.name(), "sh", "-c",
                GETS, "gets", "http://" + caller.gateway() + ":80/cgi-bin/who", String.valueOf(REQUESTS)));
        assertEquals(REQUESTS, inside.size());
        assertEquals(names(on(placed, 1)), instancesOf(inside), "itself and its neighbour: " + names(inside));

        RunReport cluster = apply(playbook("cluster"));
        assertEquals(0, cluster.exitCode(), () -> "failures: " + cluster.failures());
        List<String[]> spread = get(fleet.address(1));
        assertEquals(Set.of(fleet.name(1), fleet.name(2)), hostsOf(placed, spread), "cluster: instances of several hosts answer");
        // Masquerade takes the address of the way out: host 1's own for another host's instance, its bridge's for its own.
        Set<String> host1 = Set.of(fleet.address(1), on(placed, 1).get(0).gateway());
        assertTrue(host1.containsAll(seen(spread)) && seen(spread).contains(fleet.address(1)),
                "cluster masquerades: the backends see the receiving host, not the client: " + seen(spread));

        RunReport back = apply(playbook("local"));
        assertEquals(0, back.exitCode(), () -> "failures: " + back.failures());
        assertEquals(Set.of(fleet.name(2)), hostsOf(placed, get(fleet.address(2))), "local again");
    }

    /**
     * A host that leaves the inventory (issue 13): the next run re-places its instances and the remaining hosts forget
     * it (no route to its block, none of its instances a backend); the host itself keeps its service table, routes and
     * containers until {@code playbooks/examples/leave-fleet.yml} cleans it, after which nothing of jplay's is left there.
     */
    @Test
    void aHostThatLeavesTheInventoryIsForgottenByTheOthersAndCleanedByTheLeavePlaybook() throws Exception {
        Path all3 = Files.writeString(work.resolve("all3.yml"), inventory(3));
        Path two = Files.writeString(work.resolve("two.yml"), inventory(2));
        Path play = Files.writeString(work.resolve("gone.yml"), Files.readString(playbook("cluster"))
                .replace("app: who, count: 4", "app: gone, count: 6").replace("name: who, port: 80", "name: gone, port: 81")
                .replace("10.81.0.0/24", "10.82.0.0/24"));
        RunReport three = apply(play, all3);
        assertEquals(0, three.exitCode(), () -> "failures: " + three.failures());
        FleetState before = new FleetStateStore(stateDir).load("gone").orElseThrow();
        String block3 = before.hostBlocks().get(fleet.name(3));
        assertTrue(block3 != null && !on(before, 3).isEmpty(), before.toString());
        assertTrue(fleet.exec(1, "ip", "route", "show", "proto", "211").contains(block3 + " via " + fleet.address(3)));

        RunReport after = apply(play, two);
        assertEquals(0, after.exitCode(), () -> "failures: " + after.failures());
        FleetState now = new FleetStateStore(stateDir).load("gone").orElseThrow();
        assertTrue(on(now, 3).isEmpty() && now.instances().size() == 6, now.toString());
        for (int h = 1; h <= 2; h++) {
            String routes = fleet.exec(h, "ip", "route", "show", "proto", "211");
            assertTrue(!routes.contains(fleet.address(3)), "host " + h + " forgot the departed host's block: " + routes);
            String table = fleet.exec(h, "nft", "list", "table", "ip", "jplay-svc-gone");
            for (FleetState.Instance i : on(before, 3)) {
                assertTrue(!table.contains(i.ip() + " . 8080"), "host " + h + ": not a backend any more: " + i.ip() + "\n" + table);
            }
        }
        List<String[]> served = lines(client.exec("sh", "-c", GETS, "gets", "http://" + fleet.address(1) + ":81/cgi-bin/who",
                String.valueOf(REQUESTS)));
        assertEquals(REQUESTS, served.size());
        assertEquals(Set.of(fleet.name(1), fleet.name(2)), hostsOf(now, served), "answered by the re-placed instances");
        // The departed host itself is in no play any more: it keeps everything jplay gave it.
        assertTrue(fleet.exec(3, "nft", "list", "tables").contains("jplay-svc-gone"));
        assertTrue(fleet.exec(3, "ip", "route", "show", "proto", "211").contains("via"));

        Path leave = examplePlaybook("leave-fleet.yml");
        RunReport check = apply(leave, all3, "--limit", fleet.name(3), "--check");
        assertEquals(0, check.exitCode(), () -> "failures: " + check.failures());
        assertTrue(fleet.exec(3, "nft", "list", "tables").contains("jplay-svc-gone"), "--check removes nothing");
        RunReport left = apply(leave, all3, "--limit", fleet.name(3));
        assertEquals(0, left.exitCode(), () -> "failures: " + left.failures());
        assertEquals(Set.of(fleet.name(3)), left.recap().keySet(), "only the departed host");
        String tables = fleet.exec(3, "nft", "list", "tables");
        assertTrue(tables.lines().noneMatch(l -> l.contains("jplay-svc-")), tables);
        assertEquals("", fleet.exec(3, "ip", "route", "show", "proto", "211").strip(), "no route of jplay's");
        for (String t : List.of("nat", "filter")) {
            String rules = fleet.exec(3, "iptables", "-w", "5", "-t", t, "-S");
            assertTrue(!rules.contains("jplay-pool-"), t + ": " + rules);
        }
        for (FleetState.Instance i : on(before, 3)) {
            assertEquals("", fleet.exec(3, "sh", "-c", "ls " + HOST_STATE + "/network/netns/ 2>/dev/null | grep -x " + i.name() + " || true").strip());
        }
        assertEquals("", fleet.exec(3, "sh", "-c", "ls " + HOST_STATE + "/network/services " + HOST_STATE + "/network/pool-routes 2>/dev/null"
                + " | grep json || true").strip(), "no boot record left");
        assertTrue(fleet.exec(1, "nft", "list", "tables").contains("jplay-svc-gone"), "the other hosts are untouched");
        RunReport again = apply(leave, all3, "--limit", fleet.name(3));
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, again.recap().get(fleet.name(3)).changed(), "nothing left to remove: ok");
    }

    // ---- helpers ----

    /** The first {@code hosts} hosts in group web, each with weight 1. */
    static String inventory(int hosts) {
        StringBuilder y = new StringBuilder("""
                all:
                  vars: {ansible_user: root, ansible_ssh_private_key_file: %s}
                  children:
                    web:
                      hosts:
                """.formatted(fleet.clientKey()));
        for (int i = 1; i <= hosts; i++) {
            y.append("        ").append(fleet.name(i)).append(": {ansible_host: ").append(fleet.address(i)).append("}\n");
        }
        return y.toString();
    }

    static Path examplePlaybook(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("playbooks/examples/" + name);
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalStateException("playbooks/examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    /** {@code count} GETs, one connection each; a line per answered request and "FAIL" for each that was not (5 s each). */
    static final String GETS = "for i in $(seq 1 $2); do timeout 5 busybox wget -q -O - \"$1\" 2>/dev/null || echo FAIL; done";

    /** {@value #REQUESTS} GETs of the CGI from the client through {@code address}'s port 80: {instance, seen address} each. */
    static List<String[]> get(String address) {
        List<String[]> answers = lines(client.exec("sh", "-c", GETS, "gets", "http://" + address + ":80/cgi-bin/who", String.valueOf(REQUESTS)));
        assertEquals(REQUESTS, answers.size(), names(answers).toString());
        return answers;
    }

    static List<String[]> lines(String output) {
        List<String[]> out = new ArrayList<>();
        for (String l : output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            String[] f = l.split(" ");
            assertEquals(2, f.length, "an answer is 'INSTANCE ADDRESS': " + l);
            f[1] = f[1].replaceAll("^\\[(::ffff:)?|\\]$", ""); // httpd listens on [::]: an IPv4 peer is [::ffff:A.B.C.D]
            out.add(f);
        }
        return out;
    }

    static List<FleetState.Instance> on(FleetState s, int host) {
        return s.instances().stream().filter(i -> i.host().equals(fleet.name(host))).toList();
    }

    static Set<String> names(List<?> items) {
        Set<String> out = new TreeSet<>();
        for (Object o : items) out.add(o instanceof FleetState.Instance i ? i.name() : ((String[]) o)[0]);
        return out;
    }

    static Set<String> instancesOf(List<String[]> answers) {
        return names(answers);
    }

    static Set<String> seen(List<String[]> answers) {
        Set<String> out = new TreeSet<>();
        for (String[] a : answers) out.add(a[1]);
        return out;
    }

    static Set<String> hostsOf(FleetState s, List<String[]> answers) {
        Set<String> hosts = new TreeSet<>();
        for (String[] a : answers) {
            String host = s.instances().stream().filter(i -> i.name().equals(a[0])).map(FleetState.Instance::host).findFirst()
                    .orElseThrow(() -> new AssertionError("not an instance: " + a[0]));
            hosts.add(host);
        }
        return hosts;
    }

    static RunReport apply(Path playbook) throws Exception {
        return apply(playbook, work.resolve("hosts.yml"));
    }

    static RunReport apply(Path playbook, Path inventory, String... options) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", inventory.toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir", stateDir.toString()));
        args.addAll(List.of(options));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return report;
    }
}
