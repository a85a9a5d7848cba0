package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jplay.cli.CliRun;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.reports.HostRecap;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, reboots: instances with a restart policy come back after their host reboots, without anyone running jplay.
 * A host that boots through a real systemd (fleet.sh's systemd profile, no Java: jplay pushes its runtime) gets the
 * example web fleet ({@code restart_policy: on-failure}, an IP each from a pool); jplay installs and enables
 * {@code jplay-restore.service}. Then the host is rebooted for real as far as this machine allows: every process killed
 * (the containers' too), its network namespace, mounts, /run and cgroups gone, systemd booted again from its disk. The
 * unit brings every instance back on its own IP, {@code jplay ps} shows them running, and an apply afterwards finds
 * nothing to change. A pool route ({@code pool_routes}) and a fleet service ({@code fleet_service}) applied before
 * the reboot come back too, before the instances: the route in {@code ip route show proto 211}, the service's nftables
 * table answering a client on the fleet's bridge from every instance. Scaling to zero removes the unit.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class RebootFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: the hosts reach the registry here
    static final int REPLICAS = 3;
    static final String HOST_STATE = "/var/lib/jplay";
    static final String UNIT = "jplay-restore.service";

    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed web;
    static Path work;
    static Path inventory;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        fleet = TestFleet.startSystemd(RebootFleetIT.class, 1);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        web = TestImages.pushBusybox(registry, "reboot/web:1", "the image's own page\n");
        String yaml = Files.readString(fleet.inventoryYaml());
        String withGroup = yaml.replaceFirst("(?m)^    fleet:$", "    web:");
        assertTrue(!withGroup.equals(yaml), yaml);
        inventory = Files.writeString(dir.resolve("hosts.yml"), withGroup);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (registry != null) registry.close();
        } finally {
            if (fleet != null) fleet.close();
        }
    }

    @Test
    void instancesComeBackOnTheirIpsAfterARebootAndTheUnitGoesWithTheLastOne() throws Exception {
        assertEquals("running", fleet.exec(1, "systemctl", "is-system-running").strip(), "the host runs systemd as its init");

        Applied first = apply();
        assertEquals(0, first.cli.exit(), first.cli.out() + first.cli.err());
        assertEquals("enabled", unitState(), "the apply enabled the restore unit");
        String unit = fleet.exec(1, "cat", "/etc/systemd/system/" + UNIT);
        // It runs a copy of the pushed runtime and of the agent jar that root owns, not the login user's ~/.jplay.
        assertTrue(unit.contains("ExecStart=" + HOST_STATE + "/boot/runtime/") && unit.contains("-cp " + HOST_STATE + "/boot/agent.jar"), unit);
        assertFalse(unit.contains("/home/"), unit);

        FleetState placed = new FleetStateStore(work.resolve("state")).load("web").orElseThrow();
        assertEquals(REPLICAS, placed.instances().size());
        Map<String, String> expected = new TreeMap<>();
        for (FleetState.Instance x : placed.instances()) expected.put(x.ip(), x.name());
        assertEquals(expected, WebFleetIT.httpGetAll(fleet, 1, expected.keySet(), true), "pages served before the reboot");

        Applied again = apply();
        assertEquals(0, again.cli.exit(), again.cli.out() + again.cli.err());
        assertEquals(0, changed(again.report), "a re-run changes nothing, the unit included: " + again.cli.out());

        // The host's own network state, outside any container: a pool route and a fleet service to the instances.
        Applied network = apply(networkPlaybook(expected.keySet(), true));
        assertEquals(0, network.cli.exit(), network.cli.out() + network.cli.err());
        assertEquals(0, changed(apply(networkPlaybook(expected.keySet(), true)).report), "the network records are idempotent");
        assertTrue(fleet.exec(1, "ip", "route", "show", "proto", "211").contains(POOL_ROUTE), "the pool route is applied");
        assertEquals(new TreeSet<>(expected.values()), serviceAnswers(), "the service reaches every instance before the reboot");

        String bootBefore = bootId();
        long t0 = System.nanoTime();
        fleet.reboot(1);
        long booted = System.nanoTime();
        assertFalse(bootId().equals(bootBefore), "a new boot");
        String status = awaitUnitDone();
        System.out.printf("[figures] reboot to sshd: %d ms; then until the restore unit finished: %d ms (load %s)%n",
                (booted - t0) / 1_000_000, (System.nanoTime() - booted) / 1_000_000, loadAverage());
        System.out.println(status);
        assertTrue(status.contains("jplay restore: " + REPLICAS + " container(s) started, 0 failed"), status);
        for (FleetState.Instance x : placed.instances()) {
            assertTrue(status.contains(x.name() + ": running") && status.contains(x.ip() + "/"), x.name() + " in " + status);
        }
        // Routes and service rules came back with them, before them (the unit's lines are in order), without jplay.
        assertTrue(status.contains("pool " + POOL + ": 1 route(s) in place") && status.contains("service " + SERVICE + ": table jplay-svc-"
                + SERVICE + " in place"), status);
        assertTrue(status.indexOf("service " + SERVICE + ":") < status.indexOf(placed.instances().get(0).name() + ": running"), status);
        assertTrue(fleet.exec(1, "ip", "route", "show", "proto", "211").contains(POOL_ROUTE), "the pool route after the reboot");
        assertTrue(fleet.exec(1, "nft", "list", "tables").contains("table ip jplay-svc-" + SERVICE), "the service table after the reboot");
        assertEquals("1", fleet.exec(1, "cat", "/proc/sys/net/ipv4/ip_forward").strip(), "forwarding on again");
        assertEquals(new TreeSet<>(expected.values()), serviceAnswers(), "the service reaches every instance after the reboot");

        // Same IPs, same answers; jplay ps sees them running; the playbook finds nothing to do.
        assertEquals(expected, WebFleetIT.httpGetAll(fleet, 1, expected.keySet(), true), "pages served after the reboot");
        assertEquals(new TreeSet<>(expected.values()), runningInstances(), "jplay ps after the reboot");
        Applied afterReboot = apply();
        assertEquals(0, afterReboot.cli.exit(), afterReboot.cli.out() + afterReboot.cli.err());
        assertEquals(0, changed(afterReboot.report), "after the reboot the host is as the playbook wants it: " + afterReboot.cli.out());

        // The route and service removed: their records go, the unit stays for the instances.
        Applied removed = apply(networkPlaybook(expected.keySet(), false));
        assertEquals(0, removed.cli.exit(), removed.cli.out() + removed.cli.err());
        assertEquals("", fleet.exec(1, "ip", "route", "show", "proto", "211").strip());
        assertEquals(Set.of(), WebFleetIT.listing(fleet, HOST_STATE, 1, "network/services"));
        assertEquals("enabled", unitState(), "the instances still want the unit");

        // Stopped by the playbook: the unit goes with the last running instance, and a reboot starts nothing.
        Path stopping = Files.writeString(work.resolve("web-fleet-stopped.yml"), Files.readString(WebFleetIT.examplePlaybook())
                .replace("        stop_timeout: 2\n", "        stop_timeout: 2\n        state: stopped\n"));
        Applied stopped = apply(stopping);
        assertEquals(0, stopped.cli.exit(), stopped.cli.out() + stopped.cli.err());
        assertEquals("not-found", unitState(), "no instance to start at boot, no unit");
        fleet.reboot(1);
        assertEquals(Set.of(), runningInstances(), "stopped instances stay stopped after a reboot");
        Applied restarted = apply();
        assertEquals(0, restarted.cli.exit(), restarted.cli.out() + restarted.cli.err());
        assertEquals("enabled", unitState());
        assertEquals(expected, WebFleetIT.httpGetAll(fleet, 1, expected.keySet(), true), "started again by the playbook");

        // The last instance leaving takes the unit with it.
        Applied zero = apply("replicas=0");
        assertEquals(0, zero.cli.exit(), zero.cli.out() + zero.cli.err());
        assertEquals(Set.of(), WebFleetIT.listing(fleet, HOST_STATE, 1, "containers"));
        assertEquals("absent", fleet.exec(1, "sh", "-c", "[ -e /etc/systemd/system/" + UNIT + " ] && echo present || echo absent").strip());
        assertEquals("not-found", unitState(), "the unit is gone from systemd too");
    }

    // ---- the host's network ----

    static final String POOL = "10.214.0.0/24";
    static final String POOL_ROUTE = "10.214.0.64/26 via " + BRIDGE;
    static final String SERVICE = "rebootweb";
    static final int SERVICE_PORT = 8098;

    /** pool_routes (a block of another pool via the fleet's bridge) and fleet_service to the instances, or their removal. */
    private static Path networkPlaybook(Set<String> backends, boolean present) throws Exception {
        String text = """
                - name: host network
                  hosts: web
                  tasks:
                    - pool_routes: {cidr: %s, routes: %s}
                    - fleet_service: {name: %s, port: %d, target_port: 80, backends: [%s], state: %s}
                """.formatted(POOL, present ? "[{dst: 10.214.0.64/26, via: " + BRIDGE + "}]" : "[]", SERVICE, SERVICE_PORT,
                String.join(", ", backends), present ? "present" : "absent");
        return Files.writeString(work.resolve(present ? "network.yml" : "network-absent.yml"), text);
    }

    /**
     * The instances that answer on the service's port of the host's address, asked from a client namespace on the
     * fleet's bridge (deadline ~20 s: until every instance answered).
     */
    private static Set<String> serviceAnswers() throws InterruptedException {
        Set<String> names = new TreeSet<>();
        String get = "timeout 1 bash -c 'exec 3<>/dev/tcp/" + fleet.address(1) + "/" + SERVICE_PORT
                + " && printf \"GET / HTTP/1.0\\r\\n\\r\\n\" >&3 && cat <&3' 2>/dev/null | tail -n 1; true";
        try (ClientNamespace client = ClientNamespace.attach(fleet, 3)) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (names.size() < REPLICAS && System.nanoTime() < deadline) {
                String body = client.exec("sh", "-c", get).strip();
                if (!body.isEmpty()) names.add(body);
                else Thread.sleep(100);
            }
        }
        return names;
    }

    // ---- the host ----

    /** {@code systemctl is-enabled} of the unit ("enabled", "disabled", "not-found"). */
    private static String unitState() {
        return fleet.exec(1, "sh", "-c", "systemctl is-enabled " + UNIT + " 2>&1 | tail -n 1; true").strip().replace("Failed to get unit file state for "
                + UNIT + ": No such file or directory", "not-found");
    }

    /** When the host's PID 1 started (clock ticks since this machine booted): differs after each boot of the host. */
    private static String bootId() {
        return fleet.exec(1, "awk", "{print $22}", "/proc/1/stat").strip();
    }

    /** Waits (deadline 3 min) until the restore unit has run at boot; its status with the journal's lines. */
    private static String awaitUnitDone() throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (true) {
            String state = fleet.exec(1, "sh", "-c", "systemctl show -p ActiveState,SubState --value " + UNIT + " | tr '\\n' ' '").strip();
            if (state.equals("active exited") || state.startsWith("failed")) {
                return state + "\n" + fleet.exec(1, "sh", "-c", "systemctl status --no-pager -n 50 " + UNIT + "; true");
            }
            if (System.nanoTime() > deadline) throw new AssertionError("the restore unit did not finish in 3 min: " + state);
            Thread.sleep(200);
        }
    }

    /** Names of the containers {@code jplay ps -b} shows running. */
    private static Set<String> runningInstances() throws Exception {
        CliRun ps = CliRun.of("ps", "-i", inventory.toString(), "-b", "--known-hosts", fleet.knownHosts().toString(), "--json");
        assertEquals(0, ps.exit(), ps.out() + ps.err());
        Set<String> running = new TreeSet<>();
        for (JsonNode row : ReportFiles.json().readTree(ps.out()).get("containers")) {
            if (row.get("running").asBoolean()) running.add(row.get("name").asText());
        }
        return running;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    // ---- running the example ----

    private record Applied(CliRun cli, RunReport report) {}

    private static Applied apply(String... extraVars) throws Exception {
        return apply(WebFleetIT.examplePlaybook(), extraVars);
    }

    private static Applied apply(Path playbook, String... extraVars) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", inventory.toString(),
                "-b", "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir",
                work.resolve("state").toString(), "-e", "image=" + web.reference(), "-e", "replicas=" + REPLICAS));
        for (String v : extraVars) args.addAll(List.of("-e", v));
        CliRun cli = CliRun.of(args.toArray(String[]::new));
        return new Applied(cli, ReportFiles.read(runDir.resolve(ReportFiles.REPORT)));
    }

    private static int changed(RunReport report) {
        return report.recap().values().stream().mapToInt(HostRecap::changed).sum();
    }
}
