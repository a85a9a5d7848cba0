package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.cli.CliRun;
import dev.jplay.cli.Main;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.JavaProcess;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Day two on real sshd hosts through the real agent and runc (issue 14): {@code jplay exec} in an instance (output,
 * exit codes, a missing instance), {@code --all} over three hosts, {@code -t --interactive} typed into on a real
 * pseudo-terminal; two applies at once on one fleet state; the state rebuilt from the hosts after its file is lost;
 * {@code jplay plan} warning after a container is removed behind jplay's back.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecAndStateFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: the hosts reach the registry here
    static final String HOST_STATE = "/root/.jplay/state";
    static final int HOSTS = 3;

    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed image;
    static Path work;
    static Path stateDir;
    static Path inventory;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        stateDir = dir.resolve("fleet-state");
        fleet = TestFleet.start(ExecAndStateFleetIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        image = TestImages.pushBusybox(registry, "day2/app:1", "unused\n");
        for (String app : List.of("ex", "ey")) {
            Files.writeString(dir.resolve(app + ".yml"), """
                    - hosts: all
                      replicas: {app: %s, count: "{{ count }}", pool: day2}
                      vars:
                        count: 4
                        jplay_ip_pools:
                          day2: {cidr: 10.78.0.0/24, per_host_prefix: 26}
                      tasks:
                        - name: gone
                          container: {name: "{{ instance.name }}", state: absent}
                          loop: "{{ jplay_removed_instances }}"
                          loop_control: {loop_var: instance}
                        - name: app
                          container:
                            name: "{{ instance.name }}"
                            image: %s
                            insecure: true
                            network: "{{ instance }}"
                            stop_timeout: 2
                            command: [sh, -c, 'echo {{ instance.name }} > /name; trap "exit 0" TERM; while :; do sleep 1; done']
                          loop: "{{ jplay_instances }}"
                          loop_control: {loop_var: instance}
                    """.formatted(app, image.reference()));
        }
        StringBuilder inv = new StringBuilder("all:\n  vars: {ansible_user: root, ansible_ssh_private_key_file: " + fleet.clientKey() + "}\n  hosts:\n");
        for (int i = 1; i <= HOSTS; i++) inv.append("    ").append(fleet.name(i)).append(": {ansible_host: ").append(fleet.address(i)).append("}\n");
        inventory = Files.writeString(dir.resolve("hosts.yml"), inv);
        RunReport first = apply("ex");
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (fleet != null && image != null) {
                for (String app : List.of("ex", "ey")) apply(app, "count=0");
            }
        } finally {
            if (registry != null) registry.close();
            if (fleet != null) fleet.close();
        }
    }

    @Test
    @Order(1)
    void execRunsInTheInstancePassingItsOutputAndExitCodeThrough() throws Exception {
        FleetState.Instance zero = state("ex").byName().get("ex-0");
        // No -l: the instance is looked for on every host.
        CliRun cat = exec("ex-0", "cat", "/name");
        assertEquals(0, cat.exit(), cat.err());
        assertEquals("ex-0\n", cat.out());

        CliRun both = exec("-l", zero.host(), "ex-0", "sh", "-c", "echo out; echo err >&2; exit 7");
        assertEquals(7, both.exit(), both.err());
        assertEquals("out\n", both.out());
        assertTrue(both.err().contains("err\n"), both.err());

        CliRun env = exec("-e", "GREETING=hello", "-w", "/etc", "ex-0", "sh", "-c", "echo $GREETING; pwd");
        assertEquals("hello\n/etc\n", env.out(), env.err());

        CliRun notFound = exec("ex-0", "/no/such/tool");
        assertEquals(127, notFound.exit(), notFound.err());
        assertTrue(notFound.err().contains(zero.host() + ": ex-0: ") && notFound.err().contains("no such file"), notFound.err());

        CliRun missing = exec("ex-9", "true");
        assertEquals(125, missing.exit());
        assertTrue(missing.err().contains("no instance 'ex-9' on 3 of the 3 hosts matching 'all'"), missing.err());
        String other = fleet.name(zero.host().equals(fleet.name(1)) ? 2 : 1);
        CliRun elsewhere = exec("-l", other, "ex-0", "true");
        assertEquals(125, elsewhere.exit());
        assertTrue(elsewhere.err().contains(other + ": exec/CONTAINER_NOT_FOUND: container_exec: no container 'ex-0' on this host"),
                elsewhere.err());

        // --interactive without a terminal (docker exec -i): stdin reaches the command, its end is the command's EOF.
        java.io.InputStream stdin = System.in;
        CliRun piped;
        try {
            System.setIn(new java.io.ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)));
            piped = exec("--interactive", "ex-0", "sh", "-c", "read line; echo got-$line; cat /name; exit 4");
        } finally {
            System.setIn(stdin);
        }
        assertEquals(4, piped.exit(), piped.err());
        assertEquals("got-hello\nex-0\n", piped.out());

        long start = System.nanoTime();
        CliRun slow = exec("--timeout", "2s", "ex-0", "sleep", "60");
        assertEquals(124, slow.exit(), slow.err());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 30, "ended at its deadline, not after 60 s");
    }

    @Test
    @Order(2)
    void execAllRunsInEveryMatchingInstanceOnEveryHost() throws Exception {
        CliRun table = exec("--all", "ex", "--", "cat", "/name");
        assertEquals(0, table.exit(), table.err());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).matches("HOST +INSTANCE +EXIT +OUTPUT"), table.out());
        assertEquals(5, lines.size(), table.out());
        FleetState s = state("ex");
        for (FleetState.Instance i : s.instances()) {
            assertTrue(lines.stream().anyMatch(l -> l.matches(i.host() + " +" + i.name() + " +0 +" + i.name())), i + " in " + table.out());
        }
        CliRun json = exec("--all", "--json", "--", "sh", "-c", "cat /name; exit 3");
        assertEquals(2, json.exit(), "non-zero exit codes: " + json.err());
        JsonNode results = new ObjectMapper().readTree(json.out()).get("results");
        assertEquals(4, results.size(), json.out());
        Set<String> hosts = new HashSet<>();
        for (JsonNode r : results) {
            assertEquals(3, r.get("exit_code").asInt());
            assertEquals(r.get("instance").asText() + "\n", r.get("stdout").asText());
            hosts.add(r.get("host").asText());
        }
        assertEquals(s.instances().stream().map(FleetState.Instance::host).collect(java.util.stream.Collectors.toSet()), hosts);
        assertTrue(hosts.size() >= 2, "over several hosts: " + hosts);
    }

    @Test
    @Order(3)
    void execWithATerminalRunsWhatIsTypedInTheContainer() throws Exception {
        Path script = work.resolve("pty_session.py");
        try (var in = ExecAndStateFleetIT.class.getResourceAsStream("pty_session.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), "180"));
        cmd.addAll(JavaProcess.builder(work, Main.class.getName(), "exec", "-i", inventory.toString(), "--known-hosts",
                fleet.knownHosts().toString(), "-t", "--interactive", "ex-1", "sh").command());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended with its terminal session");
        String shown = new String(out, StandardCharsets.UTF_8);
        System.out.println(shown); // the session, with how long the prompt took (PROMPT after N s)
        assertEquals(5, p.exitValue(), "the shell's exit code through jplay: " + shown);
        assertTrue(shown.contains("in-42"), shown);
        assertTrue(shown.contains("ex-1\\r\\n"), "the command ran in ex-1: " + shown);
    }

    @Test
    @Order(4)
    void twoAppliesAtOnceOnOneStateWaitForEachOtherAndNeverLeaseAnAddressTwice() throws Exception {
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        List<Integer> codes;
        try {
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            // ex is deployed already: re-applying it takes the lock and changes nothing; ey, at the same time, adds 4
            // instances to the same pool and must see ex's leases.
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> code(applyArgs("ex", "--lock-timeout", "5m")));
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> code(applyArgs("ey", "--lock-timeout", "5m")));
            codes = List.of(a.get(10, TimeUnit.MINUTES), b.get(10, TimeUnit.MINUTES));
        } finally {
            System.setErr(oldErr);
        }
        String err = errBytes.toString(StandardCharsets.UTF_8);
        assertEquals(List.of(0, 0), codes, err);
        assertTrue(err.contains("is locked by apply run ") && err.contains("waiting up to 5m"), "one waited for the other: " + err);
        List<String> leased = new ArrayList<>();
        for (String app : List.of("ex", "ey")) for (FleetState.Instance i : state(app).instances()) leased.add(i.ip());
        assertEquals(8, new HashSet<>(leased).size(), "8 distinct leases: " + leased);
        assertEquals(new TreeMap<>(leasesInState()), new TreeMap<>(addressesOnHosts()), "the hosts hold exactly the leased addresses");
    }

    @Test
    @Order(5)
    void theStateIsRebuiltFromTheHostsAfterItsFileIsLostAndARerunChangesNothing() throws Exception {
        FleetState before = state("ex");
        Files.delete(new FleetStateStore(stateDir).fileOf("ex"));

        CliRun plan = CliRun.of("plan", work.resolve("ex.yml").toString(), "-i", inventory.toString(), "--state-dir", stateDir.toString(),
                "--known-hosts", fleet.knownHosts().toString());
        assertEquals(0, plan.exit(), plan.err());
        for (FleetState.Instance i : before.instances()) {
            assertTrue(plan.err().contains("jplay: warning: the state and the hosts disagree: ex: " + i.name() + " is on " + i.host()
                    + ", but the state of 'ex' does not list it (" + i.ip() + ")"), plan.err());
        }

        CliRun rebuild = CliRun.of("state", "rebuild", work.resolve("ex.yml").toString(), "-i", inventory.toString(), "--state-dir",
                stateDir.toString(), "--known-hosts", fleet.knownHosts().toString());
        assertEquals(0, rebuild.exit(), rebuild.err());
        assertTrue(rebuild.out().contains("app ex: 4 instance(s) on "), rebuild.out());
        assertEquals(before, state("ex"), "placements, leases and host blocks as they were");
        assertEquals("", rebuild.err(), "nothing left out");

        RunReport again = apply("ex");
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, again.recap().values().stream().mapToInt(HostRecap::changed).sum(), "changed=0 after the rebuild");
        CliRun quiet = CliRun.of("plan", work.resolve("ex.yml").toString(), "-i", inventory.toString(), "--state-dir", stateDir.toString(),
                "--known-hosts", fleet.knownHosts().toString());
        assertEquals("", quiet.err(), "state and hosts agree");
    }

    @Test
    @Order(6)
    void planWarnsWhenAContainerWasRemovedBehindJplaysBack() throws Exception {
        FleetState.Instance victim = state("ex").byName().get("ex-2");
        int host = index(victim.host());
        fleet.exec(host, "sh", "-c", "runc --root " + HOST_STATE + "/runc delete -f ex-2; rm -rf " + HOST_STATE + "/containers/ex-2");
        CliRun plan = CliRun.of("plan", work.resolve("ex.yml").toString(), "-i", inventory.toString(), "--state-dir", stateDir.toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--json");
        assertEquals(0, plan.exit(), plan.err());
        assertTrue(plan.err().contains("jplay: warning: the state and the hosts disagree: ex: ex-2 is not on " + victim.host()
                + ", where the state puts it"), plan.err());
        JsonNode check = new ObjectMapper().readTree(plan.out()).get("state_check");
        assertEquals(1, check.get("disagreements").size(), check.toString());
        assertEquals("missing", check.get("disagreements").get(0).get("kind").asText());
        CliRun offline = CliRun.of("plan", work.resolve("ex.yml").toString(), "-i", inventory.toString(), "--state-dir", stateDir.toString(),
                "--offline");
        assertEquals("", offline.err(), "--offline asks no host");
        // The next apply puts it back.
        RunReport repaired = apply("ex");
        assertEquals(0, repaired.exitCode(), () -> "failures: " + repaired.failures());
        assertEquals("ex-2\n", exec("ex-2", "cat", "/name").out());
    }

    // ---- helpers ----

    static CliRun exec(String... args) {
        List<String> all = new ArrayList<>(List.of("exec", "-i", inventory.toString(), "--known-hosts", fleet.knownHosts().toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    static List<String> applyArgs(String app, String... extra) {
        Path runDir;
        try {
            runDir = Files.createTempDirectory(work, "run");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("apply", work.resolve(app + ".yml").toString(), "-i", inventory.toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir", stateDir.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    static int code(List<String> args) {
        return Main.execute(args.toArray(String[]::new));
    }

    static RunReport apply(String app, String... extraVars) throws Exception {
        List<String> extra = new ArrayList<>();
        for (String v : extraVars) extra.addAll(List.of("-e", v));
        List<String> args = applyArgs(app, extra.toArray(String[]::new));
        int code = code(args);
        RunReport report = ReportFiles.read(Path.of(args.get(args.indexOf("--report-dir") + 1)).resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return report;
    }

    static FleetState state(String app) {
        return new FleetStateStore(stateDir).load(app).orElseThrow(() -> new AssertionError("no saved state for " + app));
    }

    static int index(String hostName) {
        for (int i = 1; i <= HOSTS; i++) if (fleet.name(i).equals(hostName)) return i;
        throw new AssertionError(hostName);
    }

    /** Instance name to leased address, over both apps. */
    static Map<String, String> leasesInState() {
        Map<String, String> out = new TreeMap<>();
        for (String app : List.of("ex", "ey")) for (FleetState.Instance i : state(app).instances()) out.put(i.name(), i.ip());
        return out;
    }

    /** Instance name to the address its container has, as each host's kernel says (eth0 in its network namespace). */
    static Map<String, String> addressesOnHosts() {
        Map<String, String> out = new TreeMap<>();
        for (int h = 1; h <= HOSTS; h++) {
            String listing = fleet.exec(h, "sh", "-c", "for n in " + HOST_STATE + "/network/netns/*; do [ -e \"$n\" ] || continue; "
                    + "echo \"$(basename $n) $(nsenter --net=$n ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)\"; done");
            for (String line : listing.lines().toList()) {
                String[] parts = line.strip().split(" ");
                if (parts.length == 2) out.put(parts[0], parts[1]);
            }
        }
        return out;
    }
}
