package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.Main;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's "rollback keeps the start-first order" on real sshd hosts, runc/CNI and nftables: {@value #HOSTS} hosts run
 * {@value #INSTANCES} instances behind one service, updated start-first host by host ({@code serial: 1}) with
 * {@code rollback: all}, while a client in a network namespace of its own ({@link ServiceLoad}) sends requests at a
 * steady rate to host 1's service port. (a) The new version fails its health gate on host 2: host 2's old instances
 * never stop serving, and host 1's, already replaced, are rolled back start-first (the old revision beside the new one,
 * then the new one goes): no request fails, and the instances are back in their old containers at their old addresses.
 * (b) {@code jplay rollback RUN} of a clean start-first update does the same outside a play, keeping the service in step.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StartFirstRollbackFleetIT {
    static final String BRIDGE = "10.213.0.1";
    static final int HOSTS = 3;
    static final int INSTANCES = 6;
    static final int PORT = 8000;

    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed web;
    static Path work;
    static Path stateDir;
    static ClientNamespace client;
    /** The report directory of the last {@link #jplay} run. */
    static Path lastRun;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        stateDir = dir.resolve("fleet-state");
        fleet = TestFleet.start(StartFirstRollbackFleetIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        web = TestImages.pushBusybox(registry, "sfroll/web:1", "unused\n");
        Files.writeString(dir.resolve("play.yml"), """
                - hosts: svc
                  serial: 1
                  rollback: all
                  replicas: {app: sfroll, count: %d, pool: apps}
                  service: {name: sfroll, port: %d, target_port: 80}
                  update: {drain: 300ms}
                  vars:
                    version: 1
                    broken: none
                    jplay_ip_pools:
                      apps: {cidr: 10.79.0.0/22, per_host_prefix: 26}
                  tasks:
                    - name: app
                      container:
                        name: "{{ instance.name }}"
                        image: %s
                        insecure: true
                        network: "{{ instance }}"
                        stop_timeout: 2
                        command: [sh, -c, 'echo {{ instance.name }} v{{ version }} > /www/index.html && { {{ "sleep 600" if inventory_hostname == broken else "httpd -f -p 80 -h /www" }} & trap "exit 0" TERM; wait; }']
                        healthcheck: {tcp: "{{ instance.ip }}:80", interval: 200ms, timeout: 1s, retries: 3}
                      loop: "{{ jplay_instances }}"
                      loop_control: {loop_var: instance, parallel: 2}
                """.formatted(INSTANCES, PORT, web.reference()));
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
        client = ClientNamespace.attach(fleet, 3);
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
    @Order(1)
    void aFailedHealthGateMidRolloutRollsTheEarlierBatchBackStartFirst() throws Exception {
        RunReport first = jplay("apply", "-e", "version=1");
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        List<FleetState.Instance> placed = state().instances();

        ServiceLoad load = load();
        RunReport broken = jplay("apply", "-e", "version=2", "-e", "broken=" + fleet.name(2));
        ServiceLoad.Result during = load.stop();

        assertTrue(broken.exitCode() != 0, "host 2's new containers fail their health gate");
        assertTrue(broken.results().stream().anyMatch(r -> r.host().equals(fleet.name(2)) && "failed".equals(r.status())
                && r.error() != null && "health".equals(r.error().step())), () -> "failed at step health: " + broken.failures());
        List<TaskOutcome> rolledBack = broken.results().stream().filter(r -> r.task().startsWith("rollback: ")).toList();
        long onHost1 = placed.stream().filter(i -> i.host().equals(fleet.name(1))).count();
        assertEquals(onHost1, rolledBack.stream().filter(r -> "changed".equals(r.status()) && r.host().equals(fleet.name(1))).count(),
                () -> "host 1's replaced instances rolled back: " + rolledBack);
        assertTrue(rolledBack.stream().allMatch(r -> r.msg().contains("rolled back beside it")), () -> "start-first: " + rolledBack);
        assertEquals(List.of(), during.failures(), "no request failed during the update, its failed gates and the rollback");
        List<TaskOutcome> syncs = broken.results().stream().filter(r -> r.task().equals("service sfroll (jplay)")).toList();
        assertTrue(syncs.stream().anyMatch(r -> "ok".equals(r.status())) && syncs.stream().anyMatch(r -> "changed".equals(r.status())),
                () -> "syncs: " + syncs.stream().map(r -> r.host() + " " + r.status() + " " + r.msg()).toList());
        assertTrue(syncs.stream().allMatch(r -> "changed".equals(r.status()) != r.msg().contains(" in place: ")),
                () -> "a sync is changed exactly when the host's rules changed: " + syncs.stream().map(r -> r.status() + " " + r.msg()).toList());
        assertTrue(during.ok().stream().anyMatch(b -> b.endsWith(" v2")), "host 1 served v2 before the rollback: " + during.ok().size());
        assertEquals(placed, state().instances(), "every instance back in its old container at its old address");
        String containers = fleet.exec(1, "ls", "/root/.jplay/state/containers");
        assertTrue(containers.lines().noneMatch(l -> l.contains(".r")), "the new containers are gone from host 1: " + containers);
        ServiceLoad.Result after = load().stopAfter(40);
        assertTrue(after.failures().isEmpty() && after.ok().stream().allMatch(b -> b.endsWith(" v1")), "only v1 serves: " + after);
    }

    @Test
    @Order(2)
    void jplayRollbackOfAStartFirstUpdateKeepsTheServiceInStep() throws Exception {
        List<FleetState.Instance> placed = state().instances();
        RunReport updated = jplay("apply", "-e", "version=2");
        assertEquals(0, updated.exitCode(), () -> "failures: " + updated.failures());
        assertTrue(state().instances().stream().allMatch(i -> Integer.valueOf(1).equals(i.revision())), "replaced start-first");

        ServiceLoad load = load();
        Path rollbackDir = Files.createTempDirectory(work, "rollback");
        RunReport rollback = run(rollbackDir, "rollback", lastRun.toString(), "--drain", "300ms");
        ServiceLoad.Result during = load.stop();

        assertEquals(0, rollback.exitCode(), () -> "failures: " + rollback.failures());
        assertEquals(INSTANCES, rollback.results().stream().filter(r -> r.task().startsWith("rollback: ") && "changed".equals(r.status())).count(),
                () -> "every instance rolled back: " + rollback.results());
        assertTrue(rollback.results().stream().anyMatch(r -> r.task().equals("service sfroll (jplay)") && "changed".equals(r.status())),
                "the service followed the rollback");
        assertEquals(List.of(), during.failures(), "no request failed during jplay rollback");
        assertEquals(placed, state().instances(), "the fleet state records the restored containers and addresses");
        ServiceLoad.Result after = load().stopAfter(40);
        assertTrue(after.failures().isEmpty() && after.ok().stream().allMatch(b -> b.endsWith(" v1")), "only v1 serves: " + after);
        RunReport again = jplay("apply", "-e", "version=1");
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        assertEquals(0, again.recap().values().stream().mapToInt(h -> h.changed()).sum(), "the rolled back fleet is what version 1 wants");
    }

    // ---- helpers ----

    static ServiceLoad load() throws Exception {
        return ServiceLoad.start(work, client, fleet.address(1), PORT, 20, 240);
    }

    static RunReport jplay(String verb, String... extra) throws Exception {
        Path runs = work.resolve("runs");
        Files.createDirectories(runs);
        lastRun = runs.resolve("run-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of(work.resolve("play.yml").toString(), "-i", work.resolve("hosts.yml").toString()));
        args.addAll(List.of(extra));
        return run(lastRun, verb, args.toArray(String[]::new));
    }

    static RunReport run(Path reportDir, String verb, String... rest) throws Exception {
        List<String> args = new ArrayList<>(List.of(verb));
        args.addAll(List.of(rest));
        if (verb.equals("rollback")) args.addAll(List.of("-i", work.resolve("hosts.yml").toString()));
        args.addAll(List.of("--known-hosts", fleet.knownHosts().toString(), "--report-dir", reportDir.toString(),
                "--state-dir", stateDir.toString()));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(reportDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return report;
    }

    static FleetState state() {
        return new FleetStateStore(stateDir).load("sfroll").orElseThrow(() -> new AssertionError("no saved state for sfroll"));
    }
}
