package dev.jplay.cli;

import static dev.jplay.cli.FleetRuns.await;
import static dev.jplay.cli.FleetRuns.locate;
import static dev.jplay.cli.FleetRuns.outcomes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.StallingRegistry;
import dev.jplay.testing.TestFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing hangs without an end (docs/deadlines.md), on real hosts with operations that really block: a command
 * reading a FIFO nobody writes, a registry that sends headers and then stalls the body, an agent JVM stopped with
 * SIGSTOP. Each run must end within a bound, report the stuck task located (step, TIMEOUT, host, file:line:col,
 * what the agent was doing), and go on with the other hosts.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeadlinesIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: every host reaches the controller here
    static TestFleet fleet;
    static StallingRegistry registry;

    @TempDir
    Path work;
    FleetRuns runs;

    @BeforeAll
    static void up() throws Exception {
        fleet = TestFleet.start(DeadlinesIT.class, 3);
        registry = StallingRegistry.start(BRIDGE);
    }

    @AfterAll
    static void down() {
        if (registry != null) registry.close();
        if (fleet != null) fleet.close();
    }

    @BeforeEach
    void setUp() {
        runs = new FleetRuns(fleet, work);
    }

    @AfterEach
    void tearDown() {
        runs.awaitBackgroundRuns();
    }

    @Test
    void commandBlockedOnAFifoTimesOutWithWhatItRanAndTheOtherHostsGoOn() throws Exception {
        Path pb = runs.playbook("fifo.yml", """
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: make a fifo
                      shell: rm -f /tmp/deadline.fifo && mkfifo /tmp/deadline.fifo
                    - name: read the fifo
                      command: cat /tmp/deadline.fifo
                      timeout: 2
                      when: inventory_hostname == '%s'
                    - name: after
                      command: "true"
                """.formatted(fleet.name(1)));
        Timed run = timed(pb);
        RunReport r = run.report();
        long seconds = run.seconds();

        assertEquals(ExitCodes.HOST_FAILED, r.exitCode());
        FailureInfo f = located(r, 1, pb, "read the fifo", "exec");
        assertEquals("running cat /tmp/deadline.fifo", f.detail().get("activity"), f.detail().toString());
        assertTrue(fleet.pgrep(1, "cat /tmp/deadline.fifo").isEmpty(), "the blocked cat was killed");
        // the run moved on: the other hosts ran the next task, the failed one left the play
        assertEquals(List.of("make a fifo=changed", "read the fifo=failed"), outcomes(r, fleet.name(1)));
        for (int i : new int[] {2, 3}) {
            assertEquals(List.of("make a fifo=changed", "read the fifo=skipped", "after=changed"), outcomes(r, fleet.name(i)));
            assertEquals(2, r.recap().get(fleet.name(i)).ok(), "the recap counts the task after the stuck one");
            assertEquals(1, r.recap().get(fleet.name(i)).skipped());
        }
        assertEquals(1, r.recap().get(fleet.name(1)).failed());
        assertTrue(seconds < 20, "run took " + seconds + " s");
    }

    @Test
    void stalledRegistryBodyEndsThePullAfterItsProgressTimeout() throws Exception {
        Path pb = runs.playbook("stall.yml", """
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: pull from a stalling registry
                      image: {name: "%s", insecure: true, pull_progress_timeout: 2}
                      when: inventory_hostname == '%s'
                    - name: after
                      command: "true"
                """.formatted(registry.reference(), fleet.name(2)));
        Timed run = timed(pb);
        RunReport r = run.report();
        long seconds = run.seconds();

        FailureInfo f = located(r, 2, pb, "pull from a stalling registry", "fetch");
        assertEquals(registry.layerDigest, f.detail().get("digest"));
        assertTrue(f.cause().contains("pull progress timeout 2000 ms") && f.cause().contains("after " + StallingRegistry.SENT + " of"),
                f.cause());
        assertTrue(String.valueOf(f.detail().get("activity")).contains("fetching blob " + registry.layerDigest + " ("
                + StallingRegistry.SENT + " of"), f.detail().toString());
        for (int i : new int[] {1, 3}) assertEquals(List.of("pull from a stalling registry=skipped", "after=changed"), outcomes(r, fleet.name(i)));
        assertTrue(seconds < 20, "run took " + seconds + " s (progress timeout 2 s, not the 60 s default nor 5 retries)");
    }

    @Test
    void pullStuckPastTheTaskTimeoutIsAnsweredByTheAgentsWatchdogWithTheLayerAndEntry() throws Exception {
        Path pb = runs.playbook("watchdog.yml", """
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: pull past its timeout
                      image: {name: "%s", insecure: true}
                      timeout: 3
                      when: inventory_hostname == '%s'
                    - name: after
                      command: "true"
                """.formatted(registry.reference(), fleet.name(3)));
        Timed run = timed(pb);
        RunReport r = run.report();
        long seconds = run.seconds();

        // the socket read is stuck (progress timeout 60 s): only the watchdog can answer, at 3 s + its 1 s grace
        FailureInfo f = located(r, 3, pb, "pull past its timeout", "fetch");
        String activity = String.valueOf(f.detail().get("activity"));
        assertTrue(activity.contains("fetching blob " + registry.layerDigest + " (" + StallingRegistry.SENT + " of"), activity);
        assertTrue(activity.contains("unpacking layer " + registry.layerDigest + " at entry 'payload.bin'"), activity);
        assertEquals("task timeout", f.detail().get("deadline"));
        assertEquals("failed", outcomes(r, fleet.name(3)).get(0).split("=")[1], "a failed task, not an unreachable host");
        for (int i : new int[] {1, 2}) assertEquals(List.of("pull past its timeout=skipped", "after=changed"), outcomes(r, fleet.name(i)));
        assertTrue(seconds < 20, "run took " + seconds + " s");
    }

    @Test
    void stoppedAgentJvmIsEndedByTheControllersBackstop() throws Exception {
        Path pb = runs.playbook("sigstop.yml", """
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: slow step
                      command: sleep 2
                      timeout: 3
                    - name: after
                      command: "true"
                """);
        Path runDir = runs.newRunDir();
        long start = System.nanoTime();
        CompletableFuture<Integer> run = runs.applyInBackground(pb, runDir);
        try {
            await("host 2 runs the slow step", Duration.ofSeconds(20), () -> !fleet.pgrep(2, "sleep 2").isEmpty());
            fleet.pkill(2, "jplay-agent", "STOP"); // the JVM only: its sshd and the SSH channel stay up
            assertEquals(ExitCodes.HOST_UNREACHABLE, run.get(40, TimeUnit.SECONDS));
        } finally {
            fleet.pkill(2, "jplay-agent", "CONT");
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        FailureInfo f = located(r, 2, pb, "slow step", "agent");
        assertEquals("command", f.detail().get("module"));
        assertEquals(3000, ((Number) f.detail().get("timeout_ms")).intValue());
        assertTrue(String.valueOf(f.detail().get("activity")).startsWith("unknown"), f.detail().toString());
        assertEquals(List.of("slow step=unreachable"), outcomes(r, fleet.name(2)));
        for (int i : new int[] {1, 3}) {
            assertEquals(List.of("slow step=changed", "after=changed"), outcomes(r, fleet.name(i)));
            assertEquals(2, r.recap().get(fleet.name(i)).ok());
        }
        assertEquals(1, r.recap().get(fleet.name(2)).unreachable());
        // 3 s deadline + 5 s grace, then on: bounded
        assertTrue(seconds < 20, "run took " + seconds + " s");
        await("the resumed agent got EOF and exited", Duration.ofSeconds(30), () -> fleet.pgrep(2, "jplay-agent").isEmpty());
    }

    private record Timed(RunReport report, long seconds) {}

    private Timed timed(Path playbook) throws Exception {
        long start = System.nanoTime();
        RunReport r = runs.apply(playbook);
        return new Timed(r, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    }

    /** The run's only failure: on host {@code host}, task {@code task} at its file:line:col, {@code step}/TIMEOUT. */
    private static FailureInfo located(RunReport r, int host, Path playbook, String task, String step) throws Exception {
        assertEquals(1, r.failures().size(), () -> "failures: " + r.failures());
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(host), f.host());
        assertEquals(task, f.task());
        assertTrue(f.location().endsWith(locate(playbook, "name: " + task)), f.location());
        assertEquals(step, f.step());
        assertEquals("TIMEOUT", f.code());
        return f;
    }
}
