package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.Main;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.ClientNamespace;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's fleet service under load, on real sshd hosts, real runc/CNI and the kernel's nftables: {@value #HOSTS} hosts
 * run {@code jplay.it.serviceInstances} instances (default 100) behind one service; a client in a network namespace of its
 * own ({@link ClientNamespace}: not a fleet host, not the controller's; on the fleet's bridge; deleted afterwards) sends requests at a steady rate,
 * bounded in count and time, to host 1's service port while (a) a rolling update to a new version runs host by host,
 * (b) an update whose instances fail their health gate is rolled back, (c) a host is cut off and jplay runs again.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceRolloutFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: the hosts reach the registry here
    static final int HOSTS = 5;
    static final int INSTANCES = Integer.getInteger("jplay.it.serviceInstances", 100);
    static final int PORT = 8000;
    static final int CUT = 5;
    static final String SERVE = "httpd -f -p 80 -h /www";

    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed web;
    static Path work;
    static Path stateDir;
    static ClientNamespace client;
    /** The play, with SERVICE_STATE, ORDER and ROLLBACK to fill in (play keywords are not templated). */
    static String playbook;
    /** The play's rollback keyword: none or batch. */
    static String rollback = "none";
    /** update.order for the next runs; null: jplay.it.serviceOrder, else the default (start-first with a service). */
    static String order;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        stateDir = dir.resolve("fleet-state");
        fleet = TestFleet.start(ServiceRolloutFleetIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        web = TestImages.pushBusybox(registry, "svcroll/web:1", "unused\n");
        playbook = """
                - hosts: svc
                  serial: 1
                  max_fail_percentage: 0
                  rollback: ROLLBACK
                  replicas: {app: websvc, count: "{{ count }}", pool: apps}
                  service: {name: websvc, port: %d, target_port: 80, state: SERVICE_STATE}
                  update: {drain: 200ms ORDER}
                  vars:
                    count: %d
                    version: 1
                    serve: "%s"
                    jplay_ip_pools:
                      apps: {cidr: 10.78.0.0/22, per_host_prefix: 26}
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
                        command: [sh, -c, 'echo {{ instance.name }} v{{ version }} > /www/index.html && { {{ serve }} & trap "exit 0" TERM; wait; }']
                        healthcheck: {tcp: "{{ instance.ip }}:80", interval: 200ms, timeout: 1s, retries: 5}
                      loop: "{{ jplay_instances }}"
                      loop_control: {loop_var: instance, parallel: 4}
                """.formatted(PORT, INSTANCES, SERVE, web.reference());
        StringBuilder inventory = new StringBuilder("""
                all:
                  vars: {ansible_user: root, ansible_ssh_private_key_file: %s}
                  children:
                    svc:
                      hosts:
                """.formatted(fleet.clientKey()));
        for (int i = 1; i <= HOSTS; i++) {
            inventory.append("        ").append(fleet.name(i)).append(": {ansible_host: ").append(fleet.address(i)).append("}\n");
        }
        Files.writeString(dir.resolve("hosts.yml"), inventory);
        client = ClientNamespace.attach(fleet, 2);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (fleet != null) fleet.setLink(CUT, true);
            if (fleet != null && web != null) {
                RunReport gone = applyWith("absent", "count=0");
                assertEquals(0, gone.exitCode(), () -> "failures: " + gone.failures());
                for (int i = 1; i <= HOSTS; i++) {
                    assertFalse(fleet.exec(i, "nft", "list", "tables").contains("jplay-svc-websvc"), "service table removed from host " + i);
                }
            }
        } finally {
            if (client != null) client.close();
            if (registry != null) registry.close();
            if (fleet != null) fleet.close();
        }
    }

    @Test
    @Order(1)
    void aRollingUpdateAndItsRollbackDropNoRequest() throws Exception {
        RunReport first = apply("version=1");
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        FleetState placed = state();
        assertEquals(INSTANCES, placed.instances().size());
        Map<String, String> hostOf = placed.instances().stream().collect(Collectors.toMap(FleetState.Instance::name, FleetState.Instance::host));
        assertEquals(HOSTS, new TreeSet<>(hostOf.values()).size(), "instances on every host");

        RunReport again = apply("version=1");
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, changed(again), "nothing changed: no container and no service task changes");

        // (a) a rolling update, host by host, under load: start-first (the default with a service and no rollback).
        ServiceLoad update = Load.start(20, 300);
        RunReport updated = apply("version=2");
        ServiceLoad.Result duringUpdate = update.stop();
        assertEquals(0, updated.exitCode(), () -> "failures: " + updated.failures());
        assertEquals(List.of(), duringUpdate.failures(), "no request failed during the update");
        assertTrue(duringUpdate.ok().size() > 50, "the client kept sending: " + duringUpdate.ok().size());
        Set<String> hostsServing = duringUpdate.ok().stream().map(b -> hostOf.get(b.split(" ")[0])).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(hostsServing.size() >= 3, "answered from several hosts: " + hostsServing);
        assertTrue(duringUpdate.ok().stream().anyMatch(b -> b.endsWith(" v1")) && duringUpdate.ok().stream().anyMatch(b -> b.endsWith(" v2")),
                "old and new versions answered during the update");
        ServiceLoad.Result after = Load.start(20, 30).stopAfter(40);
        assertTrue(after.failures().isEmpty() && after.ok().stream().allMatch(b -> b.endsWith(" v2")), "only v2 serves: " + after);
        if (System.getProperty("jplay.it.serviceOrder") == null) {
            FleetState moved = state();
            assertTrue(moved.instances().stream().allMatch(i -> Integer.valueOf(1).equals(i.revision())),
                    "each instance replaced start-first once: " + moved.instances());
            Set<String> oldIps = placed.instances().stream().map(FleetState.Instance::ip).collect(Collectors.toSet());
            assertTrue(moved.instances().stream().noneMatch(i -> oldIps.contains(i.ip())), "every lease moved to a spare address");
            String ps = fleet.exec(1, "ls", "/root/.jplay/state/containers");
            assertTrue(ps.lines().anyMatch(l -> l.endsWith(".r1")) && ps.lines().noneMatch(l -> l.matches("websvc-\\d+")),
                    "host 1 runs only the new containers: " + ps);
        }
        RunReport settled = apply("version=2");
        assertEquals(0, settled.exitCode(), () -> "failures: " + settled.failures());
        assertEquals(0, changed(settled), "re-run after the update: nothing changes");
        ServiceRolloutFleetIT.settled = state().instances();

        // (a') start-first to a version that never serves: each new container fails its health gate (which probes the
        // new container's address, not the old one that still answers) and is removed; the old ones never stop serving.
        ServiceLoad refused = Load.start(20, 300);
        RunReport neverServes = apply("version=3", "{\"serve\": \"sleep 600\"}");
        ServiceLoad.Result duringRefused = refused.stop();
        assertTrue(neverServes.exitCode() != 0, "the update fails its health gates");
        assertTrue(neverServes.results().stream().anyMatch(r -> "failed".equals(r.status()) && r.error() != null
                && "health".equals(r.error().step())), () -> "failed at step health: " + neverServes.failures());
        assertEquals(List.of(), duringRefused.failures(), "capacity never dropped: no request failed");
        assertTrue(duringRefused.ok().stream().allMatch(b -> b.endsWith(" v2")), "only v2 answered: " + duringRefused.ok());
        assertEquals(settledState(), state().instances(), "leases and containers as they were");

        // (b) version 3 never serves: its first batch fails its health gates and is rolled back (rollback: batch), here
        // stop-first: each instance leaves the service before it stops, and is back once restored. (Start-first
        // rollbacks: StartFirstRollbackFleetIT.)
        rollback = "batch";
        order = "stop-first";
        ServiceLoad rollingBack = Load.start(20, 300);
        RunReport broken = apply("version=3", "{\"serve\": \"sleep 600\"}");
        ServiceLoad.Result duringRollback = rollingBack.stop();
        rollback = "none";
        order = null;
        assertTrue(broken.exitCode() != 0, "the broken update fails");
        assertTrue(broken.results().stream().anyMatch(r -> r.task().startsWith("rollback: ") && "changed".equals(r.status())),
                "containers were rolled back");
        assertEquals(List.of(), duringRollback.failures(), "no request failed during the failed update and its rollback");
        ServiceLoad.Result restored = Load.start(20, 30).stopAfter(40);
        assertTrue(restored.failures().isEmpty() && restored.ok().stream().allMatch(b -> b.endsWith(" v2")), "v2 serves again: " + restored);
    }

    @Test
    @Order(2)
    void aHostCutOffLeavesTheServiceOnceJplayRan() throws Exception {
        RunReport ready = apply("version=2");
        assertEquals(0, ready.exitCode(), () -> "failures: " + ready.failures());
        FleetState placed = state();
        Set<String> cutInstances = placed.instances().stream().filter(i -> i.host().equals(fleet.name(CUT)))
                .map(FleetState.Instance::name).collect(Collectors.toSet());
        assertFalse(cutInstances.isEmpty());
        fleet.setLink(CUT, false);
        RunReport run = apply("version=2");
        assertTrue(run.recap().get(fleet.name(CUT)).unreachable() > 0, "the cut host is unreachable: " + run.recap());
        ServiceLoad.Result afterCut = Load.start(20, 30).stopAfter(100);
        assertEquals(List.of(), afterCut.failures(), "the other hosts' instances serve every request");
        assertTrue(afterCut.ok().stream().noneMatch(b -> cutInstances.contains(b.split(" ")[0])),
                "no request reaches the cut host's instances: " + afterCut.ok());
    }

    // ---- helpers ----

    /** The client ({@link ServiceLoad}): GET / on host 1's service port at {@code rate} per second, for at most {@code maxSeconds}. */
    static final class Load {
        static ServiceLoad start(int rate, int maxSeconds) throws IOException {
            return ServiceLoad.start(work, client, fleet.address(1), PORT, rate, maxSeconds);
        }
    }

    static RunReport apply(String... extraVars) throws Exception {
        return applyWith("present", extraVars);
    }

    static RunReport applyWith(String serviceState, String... extraVars) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        Files.writeString(work.resolve("play.yml"), playbook.replace("SERVICE_STATE", serviceState).replace("ROLLBACK", rollback)
                .replace(" ORDER", order != null ? ", order: " + order
                        : System.getProperty("jplay.it.serviceOrder") == null ? "" : ", order: " + System.getProperty("jplay.it.serviceOrder")));
        List<String> args = new ArrayList<>(List.of("apply", work.resolve("play.yml").toString(), "-i", work.resolve("hosts.yml").toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir", stateDir.toString()));
        for (String v : extraVars) args.addAll(List.of("-e", v));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return report;
    }

    static List<FleetState.Instance> settled;

    /** The instances as the last clean run left them (recorded once, the first time it is asked). */
    static List<FleetState.Instance> settledState() {
        return settled;
    }

    static FleetState state() {
        return new FleetStateStore(stateDir).load("websvc").orElseThrow(() -> new AssertionError("no saved state for websvc"));
    }

    static int changed(RunReport report) {
        return report.recap().values().stream().mapToInt(HostRecap::changed).sum();
    }
}
