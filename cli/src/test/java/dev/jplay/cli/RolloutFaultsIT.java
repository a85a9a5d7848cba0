package dev.jplay.cli;

import static dev.jplay.cli.FleetRuns.await;
import static dev.jplay.cli.FleetRuns.batchStatuses;
import static dev.jplay.cli.FleetRuns.locate;
import static dev.jplay.cli.FleetRuns.outcomes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.RunJournal;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.JavaProcess;
import dev.jplay.testing.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts over five real hosts in batches of two ({@code serial: 2}: hosts 1-2, 3-4, 5) with host 3 made to
 * fail: the failure budget quarantines it and goes on, {@code --max-failures 0} and {@code any_errors_fatal}
 * stop, and a controller stopped by SIGTERM writes an interrupted report and leaves no agent behind.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RolloutFaultsIT {
    private static final String ROLLOUT = """
            - name: rollout
              hosts: fleet
              gather_facts: false
              serial: 2%s
              tasks:
                - name: deploy
                  shell: "test ! -e /tmp/broken || { echo 'config check failed' >&2; exit 3; }"
                - name: record version
                  copy: {content: "v2\\n", dest: /tmp/version}
            """;

    static TestFleet fleet;

    @TempDir
    Path work;
    FleetRuns runs;

    @BeforeAll
    static void up() {
        fleet = TestFleet.start(RolloutFaultsIT.class, 5);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    @BeforeEach
    void setUp() {
        runs = new FleetRuns(fleet, work);
        for (int i = 1; i <= fleet.size(); i++) fleet.exec(i, "rm", "-f", "/tmp/broken", "/tmp/version");
    }

    private List<Integer> updatedHosts() {
        List<Integer> updated = new ArrayList<>();
        for (int i = 1; i <= fleet.size(); i++) {
            if (fleet.exec(i, "sh", "-c", "cat /tmp/version 2>/dev/null || true").equals("v2\n")) updated.add(i);
        }
        return updated;
    }

    private List<String> batches(String... statuses) {
        String[] hosts = {fleet.name(1) + "," + fleet.name(2), fleet.name(3) + "," + fleet.name(4), fleet.name(5)};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) out.add(hosts[i] + "=" + statuses[i]);
        return out;
    }

    @Test
    void failedHostIsQuarantinedLocatedAndTheRestAreUpdated() throws Exception {
        fleet.exec(3, "touch", "/tmp/broken");
        Path pb = runs.playbook("rollout.yml", ROLLOUT.formatted(""));
        Path runDir = runs.newRunDir();
        RunReport r = runs.apply(pb, fleet.inventoryYaml(), runDir); // default budget: 10% of 5, at least 1 host

        assertEquals(ExitCodes.HOST_FAILED, r.exitCode());
        assertEquals(List.of(1, 2, 4, 5), updatedHosts(), "host 3 quarantined, every other host updated");
        assertEquals(batches("done", "failed", "done"), batchStatuses(runDir));
        assertEquals(1, r.failures().size(), () -> "failures: " + r.failures());
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(3), f.host());
        assertEquals("deploy", f.task());
        assertTrue(f.location().endsWith(locate(pb, "name: deploy")), f.location());
        assertEquals("exec", f.step());
        assertEquals("NON_ZERO_RC", f.code());
        assertEquals(3, f.detail().get("rc"));
        assertTrue(String.valueOf(f.detail().get("stderr_tail")).contains("config check failed"), f.detail().toString());
        assertEquals(List.of("deploy=failed"), outcomes(r, fleet.name(3)), "no task after its failure");
    }

    @Test
    void spentBudgetStopsTheRolloutAfterTheBatchOfAnUnreachableHost() throws Exception {
        // host 3 refuses the controller's key: unreachable, which spends the budget like a failure
        Path wrongKey = work.resolve("wrong_key");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrongKey.toString())
                .redirectErrorStream(true).start();
        assertTrue(keygen.waitFor(20, TimeUnit.SECONDS) && keygen.exitValue() == 0, "ssh-keygen");
        String hostLine = "          ansible_host: " + fleet.address(3) + "\n";
        Path inv = work.resolve("inventory.yml");
        Files.writeString(inv, Files.readString(fleet.inventoryYaml())
                .replace(hostLine, hostLine + "          ansible_ssh_private_key_file: " + wrongKey + "\n"));
        Path pb = runs.playbook("rollout.yml", ROLLOUT.formatted(""));
        Path runDir = runs.newRunDir();
        RunReport r = runs.apply(pb, inv, runDir, "--max-failures", "0");

        assertEquals(ExitCodes.HOST_UNREACHABLE, r.exitCode());
        assertEquals(List.of(1, 2, 4), updatedHosts(), "host 4 finished its batch; host 5's batch never started");
        assertEquals(batches("done", "failed", "pending"), batchStatuses(runDir));
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(3), f.host());
        assertEquals("deploy", f.task());
        assertEquals("auth", f.step());
        assertEquals("AUTH_FAILED", f.code());
        assertTrue(FleetRuns.warnings(runDir).stream().anyMatch(w -> w.contains("over the failure budget of 0")),
                () -> "warnings: " + FleetRuns.warnings(runDir));
        assertTrue(outcomes(r, fleet.name(5)).isEmpty(), "host 5 untouched");
    }

    @Test
    void anyErrorsFatalEndsTheBatchAndTheRollout() throws Exception {
        fleet.exec(3, "touch", "/tmp/broken");
        Path pb = runs.playbook("fatal.yml", ROLLOUT.formatted("\n  any_errors_fatal: true"));
        Path runDir = runs.newRunDir();
        RunReport r = runs.apply(pb, fleet.inventoryYaml(), runDir, "--max-failures", "50%");

        assertEquals(ExitCodes.HOST_FAILED, r.exitCode());
        assertEquals(List.of(1, 2), updatedHosts(), "host 4 stopped with its batch, host 5 never started");
        assertEquals(batches("done", "failed", "pending"), batchStatuses(runDir));
        assertEquals(List.of("deploy=changed"), outcomes(r, fleet.name(4)));
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(3), f.host());
        assertTrue(f.location().endsWith(locate(pb, "name: deploy")), f.location());
        assertEquals("NON_ZERO_RC", f.code());
    }

    @Test
    void sigtermedControllerWritesAnInterruptedReportAndLeavesNoAgentRunning() throws Exception {
        Path pb = runs.playbook("slow.yml", ROLLOUT.replace("shell: \"test ! -e /tmp/broken || { echo 'config check failed' >&2; exit 3; }\"",
                "command: sleep 1").formatted(""));
        Path runDir = runs.newRunDir();
        List<String> args = runs.args(pb, fleet.inventoryYaml(), runDir);
        Process controller = JavaProcess.start(work, "dev.jplay.cli.Main", args.toArray(String[]::new));
        try {
            await("the first batch is done", Duration.ofSeconds(30), () -> {
                try {
                    return Files.exists(runDir.resolve(RunJournal.FILE)) && batchStatuses(runDir).get(0).endsWith("=done");
                } catch (Exception partialWrite) {
                    return false;
                }
            });
            controller.toHandle().destroy(); // SIGTERM, as systemd or kill would send
            assertTrue(controller.waitFor(40, TimeUnit.SECONDS), "controller exited");
        } finally {
            JavaProcess.killTree(controller.toHandle());
        }
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals("interrupted", r.outcome());
        assertEquals(ExitCodes.INTERRUPTED, r.exitCode());
        assertEquals(2, r.recap().get(fleet.name(1)).ok());
        List<String> statuses = batchStatuses(runDir);
        assertEquals(batches("done").get(0), statuses.get(0));
        // SIGTERM lands while batch 2 runs its first task (it is then "interrupted") or just before it started
        assertTrue(Set.of(batches("done", "interrupted").get(1), batches("done", "pending").get(1)).contains(statuses.get(1)),
                statuses.toString());
        assertEquals(batches("done", "done", "pending").get(2), statuses.get(2));
        assertTrue(outcomes(r, fleet.name(5)).isEmpty(), "host 5 untouched");
        // the controller closed its channels: every agent got EOF and exited
        for (int i = 1; i <= fleet.size(); i++) {
            int host = i;
            await("no agent left on host " + host, Duration.ofSeconds(30), () -> fleet.pgrep(host, "jplay-agent").isEmpty());
        }
    }
}
