package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.Main;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling rollouts with health gates on three real sshd hosts (network namespaces) through the real agent over SSH:
 * {@code serial: 1}, {@code rollback: batch}. A bad release fails its gate on the first host, which is rolled back
 * while the rollout stops; {@code jplay rollback RUN} puts back every host a good-looking release changed.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class HealthRollbackFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: every host reaches the controller here
    static final int HOSTS = 3;
    static final String V1 = "fleet-v1-" + System.nanoTime();
    static final String V2 = "fleet-v2-" + System.nanoTime();
    static final String V2_BAD_ERROR = "app v2: cannot read /etc/app.conf: no such file";
    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed v1;
    static TestImages.Pushed v2bad;
    static TestImages.Pushed v2;
    static Path work;
    static Path playbook;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        fleet = TestFleet.start(HealthRollbackFleetIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        v1 = TestImages.pushBusybox(registry, "fleet/app:1", V1 + "\n");
        v2bad = TestImages.pushBusybox(registry, "fleet/app:2-bad", "bad\n",
                List.of("sh", "-c", "echo '" + V2_BAD_ERROR + "' >&2; exec sleep 600"));
        v2 = TestImages.pushBusybox(registry, "fleet/app:2", V2 + "\n");
        playbook = dir.resolve("rollout.yml");
        Files.writeString(playbook, """
                - hosts: fleet
                  serial: 1
                  rollback: batch
                  tasks:
                    - name: web
                      container:
                        name: web
                        image: "{{ image }}"
                        state: "{{ state }}"
                        insecure: true
                        network_mode: host
                        stop_timeout: 1
                        healthcheck:
                          http: {port: 8080, path: /}
                          interval: 200ms
                          retries: 3
                """);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (fleet != null && v1 != null) {
                RunReport removed = ReportFiles.read(apply(v1, "absent").resolve(ReportFiles.REPORT));
                assertEquals(0, removed.exitCode(), () -> "cleanup: " + removed.failures());
            }
        } finally {
            if (registry != null) registry.close();
            if (fleet != null) fleet.close();
        }
    }

    static Path apply(TestImages.Pushed image) throws Exception {
        return apply(image.reference(), "started");
    }

    static Path apply(TestImages.Pushed image, String state) throws Exception {
        return apply(image.reference(), state);
    }

    /** {@code jplay apply} of the rollout with {@code image} in {@code state}; returns the run directory. */
    static Path apply(String image, String state) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--max-failures", "0",
                "-e", "image=" + image, "-e", "state=" + state));
        int code = Main.execute(args.toArray(String[]::new));
        assertEquals(code, ReportFiles.read(runDir.resolve(ReportFiles.REPORT)).exitCode(), "exit code and report agree");
        return runDir;
    }

    static RunReport report(Path runDir) throws IOException {
        return ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
    }

    @Test
    void badReleaseFailsItsGateOnTheFirstHostIsRolledBackAndStopsTheRollout() throws Exception {
        RunReport first = report(apply(v1));
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        for (int i = 1; i <= HOSTS; i++) assertEquals(V1 + "\n", get(i));

        // A release that fails before replacing anything (no such image) leaves nothing to roll back.
        RunReport missing = report(apply(registry.hostPort() + "/fleet/app:missing", "started"));
        assertEquals(2, missing.exitCode());
        assertEquals("manifest", missing.failures().get(0).step());
        assertTrue(missing.results().stream().noneMatch(o -> o.task().startsWith("rollback: ")), () -> "results: " + missing.results());
        assertEquals(V1 + "\n", get(1));

        long t0 = System.nanoTime();
        RunReport bad = report(apply(v2bad));
        System.out.printf("[figures] bad release: gate failure + rollback on 1 host, rollout stopped: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(2, bad.exitCode());
        FailureInfo gate = bad.failures().get(0);
        assertEquals(1, bad.failures().size(), () -> "only the gate failed: " + bad.failures());
        assertEquals(fleet.name(1), gate.host());
        assertEquals("web", gate.task());
        assertTrue(gate.location().contains("rollout.yml:"), gate::location);
        assertEquals("health", gate.step());
        assertEquals("CONNECTION_REFUSED", gate.code());
        assertEquals("http://127.0.0.1:8080/", gate.detail().get("check"));
        assertTrue(String.valueOf(gate.detail().get("stderr_tail")).contains(V2_BAD_ERROR), () -> "cause visible: " + gate.detail());

        List<TaskOutcome> rollbacks = bad.results().stream().filter(o -> o.task().startsWith("rollback: ")).toList();
        assertEquals(1, rollbacks.size(), () -> "results: " + bad.results());
        TaskOutcome rollback = rollbacks.get(0);
        assertEquals(fleet.name(1), rollback.host());
        assertEquals("rollback: web", rollback.task());
        assertEquals(TaskOutcome.CHANGED, rollback.status());
        assertEquals("web", rollback.container());
        assertTrue(rollback.msg().contains(v1.digest()), rollback::msg);

        assertEquals(V1 + "\n", get(1), "the failed host serves v1 again");
        for (int i = 2; i <= HOSTS; i++) {
            HostRecap untouched = bad.recap().get(fleet.name(i));
            assertEquals(0, untouched.ok() + untouched.changed() + untouched.failed(), "rollout stopped before " + fleet.name(i));
            assertEquals(V1 + "\n", get(i));
        }
    }

    @Test
    void rollbackCommandRestoresEveryHostARunChanged() throws Exception {
        assertEquals(0, report(apply(v1)).exitCode());
        Path release = apply(v2);
        RunReport released = report(release);
        assertEquals(0, released.exitCode(), () -> "failures: " + released.failures());
        for (int i = 1; i <= HOSTS; i++) assertEquals(V2 + "\n", get(i));

        Path rollbackDir = work.resolve("rollback-" + System.nanoTime());
        int code = Main.execute("rollback", release.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", rollbackDir.toString());
        assertEquals(0, code);
        RunReport rolledBack = report(rollbackDir);
        assertEquals(HOSTS, rolledBack.results().size());
        for (TaskOutcome o : rolledBack.results()) {
            assertEquals("rollback: web", o.task());
            assertEquals(TaskOutcome.CHANGED, o.status(), () -> o.host() + ": " + o.msg());
        }
        for (int i = 1; i <= HOSTS; i++) assertEquals(V1 + "\n", get(i), "host " + i + " back on v1");

        Path againDir = work.resolve("rollback-again-" + System.nanoTime());
        assertEquals(0, Main.execute("rollback", release.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", againDir.toString()));
        assertTrue(report(againDir).results().stream().allMatch(o -> TaskOutcome.OK.equals(o.status())), "second rollback changes nothing");
    }

    /** GET / on host i's port 8080, from the controller. */
    private static String get(int host) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + fleet.address(host) + ":8080/")).timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
