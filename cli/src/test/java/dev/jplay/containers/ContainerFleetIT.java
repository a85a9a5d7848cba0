package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.Main;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.runtime.launch.CveAdvisor;
import dev.jplay.runtime.launch.RuncRuntime;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jplay apply} of a container playbook on three real sshd hosts (network namespaces), through the real agent
 * over SSH: each host pulls from a docker-registry on the fleet's bridge, unpacks, mounts and runs a busybox httpd.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ContainerFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: every host reaches the controller here
    static final int HOSTS = 3;
    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed web;
    static Path work;
    static final String TOKEN = "fleet-web-" + System.nanoTime();

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        fleet = TestFleet.start(ContainerFleetIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        web = TestImages.pushBusybox(registry, "fleet/web:1", TOKEN + "\n");
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (fleet != null && web != null) {
                RunReport removed = apply(playbook("absent"));
                for (int i = 1; i <= HOSTS; i++) {
                    assertEquals(1, removed.recap().get(fleet.name(i)).changed(), "container removed on " + fleet.name(i));
                    // Only this test's own containers are judged: other jplay users of the machine may have mounts.
                    assertFalse(fleet.exec(i, "cat", "/proc/self/mountinfo").contains("/snapshots/web-" + fleet.name(i) + "/"),
                            "no rootfs mount left");
                    assertEquals("", fleet.exec(i, "ls", "/root/.jplay/state/runc").trim(), "no runc state left");
                }
            }
        } finally {
            if (registry != null) registry.close();
            if (fleet != null) fleet.close();
        }
    }

    static Path playbook(String state) throws Exception {
        Path p = work.resolve("web-" + state + ".yml");
        Files.writeString(p, """
                - hosts: fleet
                  tasks:
                    - name: web server
                      container:
                        name: "web-{{ inventory_hostname }}"
                        image: %s
                        insecure: true
                        state: %s
                        network_mode: host
                        stop_timeout: 2
                """.formatted(web.reference(), state));
        return p;
    }

    static RunReport apply(Path playbook) throws Exception {
        return ReportFiles.read(applyIn(playbook).resolve(ReportFiles.REPORT));
    }

    /** Runs {@code jplay apply}; returns the run directory (report.json, events.jsonl). */
    static Path applyIn(Path playbook) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString()));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return runDir;
    }

    @Test
    void threeHostsPullAndServeThenReapplyChangesNothing() throws Exception {
        long t0 = System.nanoTime();
        Path firstRun = applyIn(playbook("started"));
        RunReport first = ReportFiles.read(firstRun.resolve(ReportFiles.REPORT));
        long firstMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        for (int i = 1; i <= HOSTS; i++) {
            HostRecap recap = first.recap().get(fleet.name(i));
            assertEquals(1, recap.changed(), "container created on " + fleet.name(i));
            assertEquals(TOKEN + "\n", wget(i, "/"));
            // A non-ASCII name in the layer: the agent started over SSH unpacked it, so its JVM used UTF-8 names.
            assertEquals("unicode names unpack\n", wget(i, "/gr%C3%BC%C3%9Fe.txt"));
        }
        // Runtime advisories travel as data.warnings and are printed once per host by the controller.
        String events = Files.readString(firstRun.resolve(ReportFiles.EVENTS));
        for (String warning : CveAdvisor.warnings(RuncRuntime.under(work).version())) {
            for (int i = 1; i <= HOSTS; i++) {
                String line = fleet.name(i) + ": " + warning;
                assertEquals(1, events.split(java.util.regex.Pattern.quote(line), -1).length - 1, "warning once: " + line);
            }
        }
        System.out.printf("[figures] first apply on %d hosts (pull+unpack+start): %d ms%n", HOSTS, firstMillis);

        // jplay ps: every host's container, from its agent, in one table or one JSON document.
        String table = ps();
        assertTrue(table.startsWith("HOST"), table);
        for (int i = 1; i <= HOSTS; i++) {
            String name = fleet.name(i);
            assertTrue(table.lines().anyMatch(l -> l.startsWith(name + " ") && l.contains("web-" + name) && l.contains("running")), table);
        }
        java.util.Map<?, ?> doc = new com.fasterxml.jackson.databind.ObjectMapper().readValue(ps("--json"), java.util.Map.class);
        List<?> rows = (List<?>) doc.get("containers");
        assertEquals(HOSTS, rows.size(), () -> String.valueOf(doc));
        for (Object o : rows) {
            java.util.Map<?, ?> row = (java.util.Map<?, ?>) o;
            assertEquals("web-" + row.get("host"), row.get("name"));
            assertEquals(true, row.get("running"));
            assertEquals(web.digest(), row.get("image_digest"));
            assertTrue(((Number) row.get("pid")).longValue() > 1);
        }
        assertEquals(List.of(), doc.get("failures"));
        String one = ps("-l", fleet.name(2));
        assertEquals(2, one.lines().count(), "header + the one host's container: " + one);

        long t1 = System.nanoTime();
        RunReport again = apply(playbook("started"));
        System.out.printf("[figures] re-apply on %d hosts: %d ms%n", HOSTS, (System.nanoTime() - t1) / 1_000_000);
        assertEquals(0, again.exitCode(), () -> "failures: " + again.failures());
        for (int i = 1; i <= HOSTS; i++) {
            assertEquals(0, again.recap().get(fleet.name(i)).changed(), "re-apply changes nothing on " + fleet.name(i));
            assertEquals(2, again.recap().get(fleet.name(i)).ok(), "Gathering Facts and the unchanged container");
        }
    }

    /** {@code jplay ps} on the fleet; its standard output (exit code 0 asserted). */
    private static String ps(String... extra) {
        List<String> args = new ArrayList<>(List.of("ps", "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString()));
        args.addAll(List.of(extra));
        dev.jplay.cli.CliRun run = dev.jplay.cli.CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.out() + run.err());
        return run.out();
    }

    private static String wget(int host, String path) throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 50; attempt++) { // httpd binds a moment after runc reports it running
            try {
                return fleet.exec(host, "busybox", "wget", "-qO-", "http://127.0.0.1:8080" + path);
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
