package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.Main;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The story of issue "Fleet scale and IP-range variables", with {@code playbooks/examples/web-fleet.yml} unchanged,
 * on real sshd hosts (network namespaces) through the real agent: 100 busybox httpd instances, each with its own IP
 * from one flat /24 (the same subnet on every host's bridge: the story asks for each instance answering on its IP from
 * its host, and a flat pool keeps an instance's address when it moves). Then two more hosts in the inventory: only the
 * moved instances change, and they answer on their new hosts and are gone from the old ones. Then a new CIDR in one
 * {@code -e}: every instance re-addressed and answering. Prints the time of each step as {@code [figures]}.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class WebFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: the hosts reach the registry here
    static final int FIRST_HOSTS = 5;
    static final int ALL_HOSTS = FIRST_HOSTS + 2;
    static final int REPLICAS = 100;
    static final String HOST_STATE = "/root/.jplay/state"; // the agent's state directory on each host
    static final String DEPLOY_TASK = "web instances";
    static final String REMOVE_TASK = "instances that left this host";

    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed web;
    static Path work;
    static Path stateDir;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        stateDir = dir.resolve("fleet-state");
        fleet = TestFleet.start(WebFleetIT.class, ALL_HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        web = TestImages.pushBusybox(registry, "fleet/web:1", "the image's own page\n");
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (fleet != null && web != null) {
                // Scale to zero through the playbook: removes every container and its network on every host.
                RunReport zero = apply(ALL_HOSTS, "replicas=0", "cidr=10.99.0.0/24");
                for (int i = 1; i <= ALL_HOSTS; i++) {
                    assertEquals(Set.of(), listing(i, "containers"), "no container left on " + fleet.name(i));
                    assertEquals(Set.of(), listing(i, "network/attachments"), "no attachment left on " + fleet.name(i));
                }
                assertEquals(0, zero.exitCode(), () -> "failures: " + zero.failures());
            }
        } finally {
            try {
                if (fleet != null) forceRemoveContainers();
            } finally {
                if (registry != null) registry.close();
                if (fleet != null) fleet.close();
            }
        }
    }

    @Test
    void hundredInstancesEachOnItsOwnIpThenScaleOutThenReaddress() throws Exception {
        // 1. 100 instances over 5 hosts, 10.88.0.0/24.
        long t0 = System.nanoTime();
        RunReport first = apply(FIRST_HOSTS, "cidr=10.88.0.0/24");
        long firstMillis = millisSince(t0);
        System.out.printf("[figures] %d instances over %d hosts, first apply: %d ms%n", REPLICAS, FIRST_HOSTS, firstMillis);
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        FleetState placed = state();
        assertEquals(REPLICAS, placed.instances().size());
        assertEquals(REPLICAS, changedItems(first, DEPLOY_TASK).size(), "every instance created");
        assertTrue(placed.instances().stream().allMatch(i -> i.ip().startsWith("10.88.0.")), "addresses from the pool");
        assertEquals(REPLICAS, placed.instances().stream().map(FleetState.Instance::ip).distinct().count(), "one IP each");
        long t1 = System.nanoTime();
        assertEveryInstanceServes(placed, FIRST_HOSTS);
        long probeMillis = millisSince(t1);
        System.out.printf("[figures] HTTP check of all %d instances: %d ms%n", REPLICAS, probeMillis);

        // 1b. Applying again changes nothing.
        long t2 = System.nanoTime();
        RunReport again = apply(FIRST_HOSTS, "cidr=10.88.0.0/24");
        long againMillis = millisSince(t2);
        System.out.printf("[figures] re-apply, nothing to do: %d ms%n", againMillis);
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, totalChanged(again), "re-run changes nothing");
        assertEquals(REPLICAS, again.results().stream().filter(r -> r.task().equals(DEPLOY_TASK) && r.status().equals(TaskOutcome.OK)).count());

        // 2. Two more hosts in the inventory, same playbook and variables: some instances move to them, nothing else changes.
        long t3 = System.nanoTime();
        RunReport grown = apply(ALL_HOSTS, "cidr=10.88.0.0/24");
        long grownMillis = millisSince(t3);
        System.out.printf("[figures] +2 hosts: apply %d ms%n", grownMillis);
        assertEquals(0, grown.exitCode(), () -> "failures: " + grown.failures());
        FleetState spread = state();
        Map<String, FleetState.Instance> before = placed.byName();
        Set<String> moved = spread.instances().stream().filter(i -> !i.host().equals(before.get(i.name()).host()))
                .map(FleetState.Instance::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> newHosts = Set.of(fleet.name(FIRST_HOSTS + 1), fleet.name(ALL_HOSTS));
        assertFalse(moved.isEmpty(), "the new hosts got instances");
        for (String host : newHosts) {
            assertTrue(spread.instances().stream().anyMatch(i -> i.host().equals(host)), "instances on " + host);
        }
        for (FleetState.Instance i : spread.instances()) {
            assertEquals(before.get(i.name()).ip(), i.ip(), "a flat pool keeps " + i.name() + "'s address");
            if (moved.contains(i.name())) assertTrue(newHosts.contains(i.host()), i.name() + " moved only to a new host");
        }
        assertEquals(moved, changedItems(grown, DEPLOY_TASK), "created on their new hosts: the moved ones only");
        assertEquals(moved, changedItems(grown, REMOVE_TASK), "removed from their old hosts: the moved ones only");
        assertEquals(2 * moved.size(), totalChanged(grown), "nothing else changed");
        for (TaskOutcome r : grown.results()) {
            if (r.task().equals(REMOVE_TASK) && r.changed()) {
                assertEquals(before.get(itemName(r)).host(), r.host(), "removed where it was");
            }
        }
        long t4 = System.nanoTime();
        assertEveryInstanceServes(spread, ALL_HOSTS); // includes: host listings no longer have the moved ones
        assertGoneFromOldHosts(placed, spread, moved);
        long probe2Millis = millisSince(t4);

        // 3. Another CIDR, one -e: every instance re-addressed (recreated in its new namespace) and answering.
        long t5 = System.nanoTime();
        RunReport readdressed = apply(ALL_HOSTS, "cidr=10.99.0.0/24", "--diff");
        long readdressMillis = millisSince(t5);
        System.out.printf("[figures] new CIDR, %d instances re-addressed over %d hosts: %d ms%n", REPLICAS, ALL_HOSTS, readdressMillis);
        assertEquals(0, readdressed.exitCode(), () -> "failures: " + readdressed.failures());
        FleetState renumbered = state();
        assertEquals(REPLICAS, changedItems(readdressed, DEPLOY_TASK).size(), "every instance re-addressed");
        for (FleetState.Instance i : renumbered.instances()) {
            assertTrue(i.ip().startsWith("10.99.0."), i.name() + " has an address of the new pool: " + i.ip());
            assertEquals(spread.byName().get(i.name()).host(), i.host(), "re-addressing moves nothing");
        }
        TaskOutcome sample = readdressed.results().stream().filter(r -> r.task().equals(DEPLOY_TASK)).findFirst().orElseThrow();
        assertTrue(sample.msg().contains("recreated") && sample.msg().contains("network: 10.88.0."), sample.msg());
        assertTrue(String.valueOf(sample.diff().get("before")).contains("network=10.88.0.")
                && String.valueOf(sample.diff().get("after")).contains("network=10.99.0."), "diff shows the network change: " + sample.diff());
        long t6 = System.nanoTime();
        assertEveryInstanceServes(renumbered, ALL_HOSTS);
        long probe3Millis = millisSince(t6);

        System.out.printf("[figures] +2 hosts: %d instances moved (checks %d ms); new CIDR checks %d ms; load average %s%n",
                moved.size(), probe2Millis, probe3Millis, Files.readString(Path.of("/proc/loadavg")).trim());

        // 4. A rolling update to a new image version, two hosts per batch, while host 2 cannot reach the registry:
        //    host 2 is quarantined (its instances keep running the old version), every other host is updated, and
        //    the report says where and why.
        TestImages.Pushed v2 = TestImages.pushBusybox(registry, "fleet/web:2", "version 2\n");
        String blockRegistry = "OUTPUT -p tcp -d " + BRIDGE + " --dport " + registry.port() + " -j REJECT --reject-with tcp-reset";
        fleet.exec(2, "sh", "-c", "iptables -I " + blockRegistry);
        RunReport rolled;
        long t7 = System.nanoTime();
        try {
            rolled = apply(ALL_HOSTS, "cidr=10.99.0.0/24", "image=" + v2.reference(), "batch=2");
        } finally {
            fleet.exec(2, "sh", "-c", "iptables -D " + blockRegistry);
        }
        System.out.printf("[figures] rolling update of %d instances, 2 hosts per batch, one host failing: %d ms%n", REPLICAS, millisSince(t7));
        assertEquals(2, rolled.exitCode(), "a host failed");
        String bad = fleet.name(2);
        assertFalse(rolled.failures().isEmpty());
        for (var f : rolled.failures()) {
            assertEquals(bad, f.host(), "only host 2 failed: " + f);
            assertEquals(DEPLOY_TASK, f.task());
            assertTrue(f.location().contains("web-fleet.yml:" + deployTaskLine()), f.location());
            assertTrue(Set.of("resolve", "fetch").contains(f.step()), "located at the pull: " + f);
            assertEquals("CONNECTION", f.code(), f.toString());
            assertTrue(f.cause().contains(registry.hostPort()) || String.valueOf(f.detail()).contains(registry.hostPort()),
                    "names the registry: " + f);
        }
        long onBad = renumbered.instances().stream().filter(i -> i.host().equals(bad)).count();
        long updated = rolled.results().stream().filter(r -> r.task().equals(DEPLOY_TASK) && r.changed()).count();
        assertEquals(REPLICAS - onBad, updated, "every instance outside host 2 recreated on the new version");
        assertTrue(rolled.recap().entrySet().stream().filter(e -> !e.getKey().equals(bad)).allMatch(e -> e.getValue().failed() == 0));
        // everything still serves: host 2 on the old version, the others on the new one
        assertEveryInstanceServes(renumbered, ALL_HOSTS);
        for (int host = 1; host <= ALL_HOSTS; host++) {
            int h = host;
            String images = fleet.exec(h, "sh", "-c", "cat " + HOST_STATE + "/containers/*/spec.json | grep -o 'sha256:[0-9a-f]*' | sort -u || true");
            if (h == 2) assertFalse(images.contains(v2.digest()), "host 2 kept the old version");
            else if (renumbered.instances().stream().anyMatch(i -> i.host().equals(fleet.name(h)))) {
                assertTrue(images.contains(v2.digest()), fleet.name(h) + " runs the new version: " + images);
            }
        }
    }

    /** Line of the deploy task in the example playbook (failures point at it). */
    static String deployTaskLine() throws java.io.IOException {
        List<String> lines = Files.readAllLines(examplePlaybook());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("- name: " + DEPLOY_TASK)) return (i + 1) + ":";
        }
        throw new AssertionError("no task '" + DEPLOY_TASK + "' in the example");
    }

    // ---- running the example ----

    /** {@code jplay apply playbooks/examples/web-fleet.yml} on the first {@code hosts} hosts; {@code --options} pass as is. */
    static RunReport apply(int hosts, String... extraVars) throws Exception {
        Path inventory = work.resolve("hosts-" + hosts + ".yml");
        if (!Files.exists(inventory)) Files.writeString(inventory, inventoryYaml(hosts));
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", examplePlaybook().toString(), "-i", inventory.toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(),
                "--state-dir", stateDir.toString(), "-e", "image=" + web.reference(), "-e", "replicas=" + REPLICAS));
        for (String v : extraVars) {
            if (v.startsWith("--")) args.add(v);
            else args.addAll(List.of("-e", v));
        }
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return report;
    }

    static String inventoryYaml(int hosts) {
        StringBuilder y = new StringBuilder("""
                all:
                  vars:
                    ansible_user: root
                    ansible_ssh_private_key_file: %s
                  children:
                    web:
                      hosts:
                """.formatted(fleet.clientKey()));
        for (int i = 1; i <= hosts; i++) {
            y.append("        ").append(fleet.name(i)).append(": {ansible_host: ").append(fleet.address(i)).append("}\n");
        }
        return y.toString();
    }

    static Path examplePlaybook() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("playbooks/examples/web-fleet.yml");
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalStateException("playbooks/examples/web-fleet.yml not found above " + Path.of("").toAbsolutePath());
    }

    static FleetState state() {
        return new FleetStateStore(stateDir).load("web").orElseThrow(() -> new AssertionError("no saved state for app web"));
    }

    // ---- checks ----

    /**
     * On every host, in one exec per host (hosts in parallel): its containers and attachments are exactly its
     * instances, and each instance answers {@code GET /} on its IP with its own name.
     */
    static void assertEveryInstanceServes(FleetState state, int hosts) throws Exception {
        Map<String, List<FleetState.Instance>> byHost = new TreeMap<>();
        for (int i = 1; i <= hosts; i++) byHost.put(fleet.name(i), new ArrayList<>());
        for (FleetState.Instance i : state.instances()) byHost.get(i.host()).add(i);
        ExecutorService pool = Executors.newFixedThreadPool(hosts);
        try {
            List<Future<?>> checks = new ArrayList<>();
            for (int h = 1; h <= hosts; h++) {
                int host = h;
                List<FleetState.Instance> mine = byHost.get(fleet.name(h));
                checks.add(pool.submit(() -> {
                    Set<String> names = mine.stream().map(FleetState.Instance::name).collect(Collectors.toCollection(TreeSet::new));
                    assertEquals(names, listing(host, "containers"), "containers on " + fleet.name(host));
                    assertEquals(names, listing(host, "network/attachments"), "attachments on " + fleet.name(host));
                    Map<String, String> expected = new TreeMap<>();
                    for (FleetState.Instance i : mine) expected.put(i.ip(), i.name());
                    assertEquals(expected, httpGetAll(host, expected.keySet(), true), "pages served on " + fleet.name(host));
                    return null;
                }));
            }
            for (Future<?> f : checks) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Each moved instance's IP no longer answers on the host it left (hosts in parallel). */
    static void assertGoneFromOldHosts(FleetState before, FleetState after, Set<String> moved) throws Exception {
        Map<String, List<String>> oldIps = new HashMap<>();
        for (String name : moved) oldIps.computeIfAbsent(before.byName().get(name).host(), h -> new ArrayList<>()).add(after.byName().get(name).ip());
        ExecutorService pool = Executors.newFixedThreadPool(FIRST_HOSTS);
        try {
            List<Future<?>> checks = new ArrayList<>();
            for (int h = 1; h <= FIRST_HOSTS; h++) {
                int host = h;
                List<String> ips = oldIps.getOrDefault(fleet.name(h), List.of());
                if (ips.isEmpty()) continue;
                checks.add(pool.submit(() -> {
                    assertEquals(Map.of(), httpGetAll(host, ips, false), "moved instances still answer on " + fleet.name(host));
                    return null;
                }));
            }
            for (Future<?> f : checks) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@code GET http://IP/} for every IP from inside host {@code host}, all in one exec (bash's /dev/tcp: busybox
     * wget crashes here). With {@code retry}, an IP that does not answer yet is tried again for up to 5 s (httpd binds a
     * moment after runc reports the container running). Returns IP → page body (first line) of the IPs that answered.
     */
    static Map<String, String> httpGetAll(int host, Iterable<String> ips, boolean retry) {
        return httpGetAll(fleet, host, ips, retry);
    }

    /** {@link #httpGetAll(int, Iterable, boolean)} on host {@code host} of {@code fleet}. */
    static Map<String, String> httpGetAll(TestFleet fleet, int host, Iterable<String> ips, boolean retry) {
        String script = """
                get() { timeout 1 bash -c 'exec 3<>/dev/tcp/'"$1"'/80 && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3' 2>/dev/null | tail -n 1; }
                probe() {
                  for t in $(seq 1 %d); do
                    body=$(get "$1"); [ -n "$body" ] && { echo "$1 $body"; return; }
                    sleep 0.1
                  done
                }
                for ip in "$@"; do probe "$ip" & done
                wait
                """.formatted(retry ? 50 : 1);
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "probe"));
        ips.forEach(command::add);
        Map<String, String> answers = new TreeMap<>();
        for (String line : fleet.exec(host, command.toArray(String[]::new)).split("\n")) {
            if (line.isBlank()) continue;
            String[] parts = line.split(" ", 2);
            answers.put(parts[0], parts[1].trim());
        }
        return answers;
    }

    /** Names of the entries of the agent's {@code HOST_STATE/sub} on host i ({@code .json} dropped). */
    static Set<String> listing(int host, String sub) {
        return listing(fleet, HOST_STATE, host, sub);
    }

    /** Names of the entries of {@code stateDir/sub} on host i of {@code fleet} ({@code .json} dropped). */
    static Set<String> listing(TestFleet fleet, String stateDir, int host, String sub) {
        String out = fleet.exec(host, "sh", "-c", "ls -1 " + stateDir + "/" + sub + " 2>/dev/null || true");
        return Arrays.stream(out.split("\n")).filter(s -> !s.isBlank() && !s.startsWith("."))
                .map(s -> s.endsWith(".json") ? s.substring(0, s.length() - 5) : s).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> changedItems(RunReport report, String task) {
        return report.results().stream().filter(r -> r.task().equals(task) && r.changed()).map(WebFleetIT::itemName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The example's loop labels start with the instance name. */
    static String itemName(TaskOutcome r) {
        return String.valueOf(r.item()).split(" ")[0];
    }

    /** Changed results, loop items one by one (the recap counts a looped task once per host, as Ansible's does). */
    static int totalChanged(RunReport report) {
        return (int) report.results().stream().filter(TaskOutcome::changed).count();
    }

    static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Last resort if the scale-to-zero run failed: container processes live in their own namespaces, not the host's. */
    static void forceRemoveContainers() {
        for (int i = 1; i <= ALL_HOSTS; i++) {
            try {
                fleet.exec(i, "sh", "-c", "for c in $(runc --root " + HOST_STATE + "/runc list -q 2>/dev/null); do "
                        + "runc --root " + HOST_STATE + "/runc delete --force \"$c\"; done; true");
            } catch (RuntimeException e) {
                System.err.println("cleanup of " + fleet.name(i) + ": " + e.getMessage());
            }
        }
    }
}
