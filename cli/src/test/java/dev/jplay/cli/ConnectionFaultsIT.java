package dev.jplay.cli;

import static dev.jplay.cli.FleetRuns.await;
import static dev.jplay.cli.FleetRuns.locate;
import static dev.jplay.cli.FleetRuns.outcome;
import static dev.jplay.cli.FleetRuns.outcomes;
import static dev.jplay.cli.FleetRuns.reported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * Connection-level faults injected into real sshd hosts while {@code jplay apply} runs on them: a host that freezes
 * (SIGSTOP of its sshd and agent), a cut link, a killed agent, refused credentials. Each test checks that
 * report.json names the host, task, location, step and cause, that the other hosts finish, and how the lost host
 * comes back: it is left out for the rest of the play and reconnected (with backoff) before the next one.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionFaultsIT {
    /** Matches a host's sshd (listener and sessions) and its agent JVM. */
    private static final String SSHD_AND_AGENT = "sshd|jplay-agent";

    static TestFleet fleet;

    @TempDir
    Path work;
    FleetRuns runs;

    @BeforeAll
    static void up() {
        fleet = TestFleet.start(ConnectionFaultsIT.class, 5);
    }

    @AfterAll
    static void down() {
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
    void hostFrozenMidTaskTimesOutIsLeftOutOfThePlayAndRejoinsTheNextOnceResumed() throws Exception {
        Path pb = runs.playbook("freeze.yml", """
                - name: rollout
                  hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: slow step
                      command: sleep 2
                    - name: after the slow step
                      command: sleep 2
                - name: verify
                  hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: still there
                      command: "true"
                """);
        Path runDir = runs.newRunDir();
        CompletableFuture<Integer> run = runs.applyInBackground(pb, runDir, "--task-timeout", "3");
        try {
            await("host 2 runs the slow step", Duration.ofSeconds(20), () -> !fleet.pgrep(2, "sleep 2").isEmpty());
            fleet.pkill(2, SSHD_AND_AGENT, "STOP");
            // task timeout 3 s + the controller's 5 s grace, then the host is out of the play
            await("host 2 is reported unreachable", Duration.ofSeconds(20),
                    () -> reported(runDir, fleet.name(2), "slow step", TaskOutcome.UNREACHABLE));
            // the other hosts are still in "after the slow step" (2 s): resume host 2 before the next play
            fleet.pkill(2, SSHD_AND_AGENT, "CONT");
            assertEquals(ExitCodes.HOST_UNREACHABLE, run.get(40, TimeUnit.SECONDS));
        } finally {
            resume(2);
        }
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(1, r.failures().size(), () -> "failures: " + r.failures());
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(2), f.host());
        assertEquals("slow step", f.task());
        assertTrue(f.location().endsWith(locate(pb, "name: slow step")), f.location());
        assertEquals("agent", f.step());
        assertEquals("TIMEOUT", f.code());
        assertTrue(f.cause().contains(fleet.name(2)) && f.cause().contains("3000 ms"), f.cause());

        assertEquals(List.of("slow step=unreachable", "still there=changed"), outcomes(r, fleet.name(2)),
                "left out of the rest of its play, back for the next one");
        HostRecap frozen = r.recap().get(fleet.name(2));
        assertEquals(1, frozen.unreachable());
        assertEquals(1, frozen.ok());
        for (int i : new int[] {1, 3, 4, 5}) assertEquals(3, r.recap().get(fleet.name(i)).ok(), fleet.name(i));
        assertTrue(FleetRuns.warnings(runDir).stream().anyMatch(w -> w.startsWith(fleet.name(2) + ": reconnected")),
                () -> "warnings: " + FleetRuns.warnings(runDir));
        // the abandoned agent got EOF once its sshd ran again, and exited like the new one
        await("no agent left on host 2", Duration.ofSeconds(30), () -> fleet.pgrep(2, "jplay-agent").isEmpty());
    }

    @Test
    void cutLinkTimesOutAndTheHostStaysOutWhileItIsDown() throws Exception {
        Path pb = runs.playbook("link.yml", """
                - name: rollout
                  hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: slow step
                      command: sleep 2
                - name: verify
                  hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: still there
                      command: "true"
                """);
        Path runDir = runs.newRunDir();
        long start = System.nanoTime();
        CompletableFuture<Integer> run = runs.applyInBackground(pb, runDir, "--task-timeout", "3");
        RunReport r;
        try {
            await("host 4 runs the slow step", Duration.ofSeconds(20), () -> !fleet.pgrep(4, "sleep 2").isEmpty());
            fleet.setLink(4, false);
            assertEquals(ExitCodes.HOST_UNREACHABLE, run.get(45, TimeUnit.SECONDS));
            r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        } finally {
            fleet.setLink(4, true);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        FailureInfo f = r.failures().stream().filter(x -> x.host().equals(fleet.name(4))).findFirst().orElseThrow();
        assertEquals("slow step", f.task());
        assertTrue(f.location().endsWith(locate(pb, "name: slow step")), f.location());
        assertEquals("agent", f.step());
        assertEquals("TIMEOUT", f.code());
        assertEquals(1, r.failures().size(), () -> "failures: " + r.failures());
        assertEquals(List.of("slow step=unreachable"), outcomes(r, fleet.name(4)), "still cut off: left out of 'verify'");
        for (int i : new int[] {1, 2, 3, 5}) assertEquals(2, r.recap().get(fleet.name(i)).ok(), fleet.name(i));
        // the reconnect before 'verify' tried, with backoff, and gave up on a connect failure
        String warning = FleetRuns.warnings(runDir).stream().filter(w -> w.startsWith(fleet.name(4) + ": still unreachable"))
                .findFirst().orElseThrow(() -> new AssertionError("warnings: " + FleetRuns.warnings(runDir)));
        assertTrue(warning.contains("connect failed"), warning);
        // 2 s task + 3 s timeout + 5 s grace + 3 reconnects (<= 2 s each after 0.5/1/2 s): bounded, no hang
        assertTrue(seconds < 30, "run took " + seconds + " s");
    }

    @Test
    void killedAgentFailsItsTaskWithItsStderrAndTheNextPlayStartsAFreshOne() throws Exception {
        Path pb = runs.playbook("kill.yml", """
                - name: rollout
                  hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: long step
                      command: sleep 3
                - name: verify
                  hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: fresh agent
                      command: sleep 1
                """);
        Path runDir = runs.newRunDir();
        CompletableFuture<Integer> run = runs.applyInBackground(pb, runDir);
        await("host 3 runs the long step", Duration.ofSeconds(20), () -> !fleet.pgrep(3, "sleep 3").isEmpty());
        List<Long> killed = fleet.pgrep(3, TestFleet.AGENT_JVM);
        assertEquals(1, killed.size(), "one agent on host 3: " + killed);
        // the agent's last words on stderr, then SIGKILL (as the OOM killer would)
        fleet.exec(3, "sh", "-c", "echo 'java.lang.OutOfMemoryError: Java heap space' > /proc/" + killed.get(0)
                + "/fd/2; kill -KILL " + killed.get(0));
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        while (!run.isDone()) {
            seen.addAll(fleet.pgrep(3, TestFleet.AGENT_JVM));
            Thread.sleep(100);
        }
        assertEquals(ExitCodes.HOST_UNREACHABLE, run.get());
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(1, r.failures().size(), () -> "failures: " + r.failures());
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(3), f.host());
        assertEquals("long step", f.task());
        assertTrue(f.location().endsWith(locate(pb, "name: long step")), f.location());
        assertEquals("agent", f.step());
        assertEquals("AGENT_EXITED", f.code());
        assertNotNull(f.detail(), "detail of " + f);
        assertEquals("killed by signal KILL", f.detail().get("exit"));
        assertTrue(String.valueOf(f.detail().get("stderr_tail")).contains("OutOfMemoryError"), f.detail().toString());

        seen.removeAll(killed);
        assertFalse(seen.isEmpty(), "a new agent ran on host 3");
        assertEquals(TaskOutcome.CHANGED, outcome(r, fleet.name(3), "fresh agent").status());
        assertEquals(1, r.recap().get(fleet.name(3)).unreachable());
        for (int i : new int[] {1, 2, 4, 5}) assertEquals(2, r.recap().get(fleet.name(i)).ok(), fleet.name(i));
    }

    @Test
    void hostLostThroughRemoteUserIsReconnectedThroughThatUserBeforeTheNextPlay() throws Exception {
        // No ansible_user in the inventory: the plays' remote_user makes the login user, so the host's sessions are
        // keyed by that user, not by the inventory's bare target.
        Path inventory = work.resolve("no-user.yml");
        Files.writeString(inventory, Files.readAllLines(fleet.inventoryYaml()).stream()
                .filter(l -> !l.strip().startsWith("ansible_user:")).collect(java.util.stream.Collectors.joining("\n", "", "\n")));
        Path pb = runs.playbook("kill-remote-user.yml", """
                - name: rollout
                  hosts: fleet
                  gather_facts: false
                  remote_user: root
                  tasks:
                    - name: long step
                      command: sleep 3
                - name: verify
                  hosts: fleet
                  gather_facts: false
                  remote_user: root
                  tasks:
                    - name: fresh agent
                      command: sleep 1
                """);
        Path runDir = runs.newRunDir();
        CompletableFuture<Integer> run = runs.applyInBackground(pb, inventory, runDir);
        await("host 3 runs the long step", Duration.ofSeconds(20), () -> !fleet.pgrep(3, "sleep 3").isEmpty());
        List<Long> killed = fleet.pgrep(3, TestFleet.AGENT_JVM);
        assertEquals(1, killed.size(), "one agent on host 3: " + killed);
        fleet.exec(3, "kill", "-KILL", String.valueOf(killed.get(0)));
        assertEquals(ExitCodes.HOST_UNREACHABLE, run.get(40, TimeUnit.SECONDS));
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(List.of("long step=unreachable", "fresh agent=changed"), outcomes(r, fleet.name(3)),
                "reconnected as root before the next play, back in its rollout");
        assertTrue(FleetRuns.warnings(runDir).contains(fleet.name(3) + ": reconnected, back in the rollout for play 'verify'"),
                () -> "warnings: " + FleetRuns.warnings(runDir));
        assertEquals(1, r.recap().get(fleet.name(3)).unreachable());
        for (int i : new int[] {1, 2, 4, 5}) assertEquals(2, r.recap().get(fleet.name(i)).ok(), fleet.name(i));
    }

    @Test
    void agentKilledBetweenTasksIsReconnectedBeforeTheNextTask() throws Exception {
        Path pb = runs.playbook("between.yml", """
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: hold the play
                      shell: "test {{ inventory_hostname }} != %s || sleep 3"
                    - name: next task
                      command: "true"
                """.formatted(fleet.name(1)));
        Path runDir = runs.newRunDir();
        CompletableFuture<Integer> run = runs.applyInBackground(pb, runDir);
        await("host 5 is done with the first task", Duration.ofSeconds(20),
                () -> reported(runDir, fleet.name(5), "hold the play", TaskOutcome.CHANGED)
                        && !fleet.pgrep(1, "sleep 3").isEmpty());
        List<Long> killed = fleet.pgrep(5, TestFleet.AGENT_JVM);
        assertEquals(1, killed.size(), "one idle agent on host 5: " + killed);
        fleet.pkill(5, "jplay-agent", "KILL");
        assertEquals(ExitCodes.OK, run.get(40, TimeUnit.SECONDS), "the idle agent's death cost nothing");
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(List.of("hold the play=changed", "next task=changed"), outcomes(r, fleet.name(5)));
        assertEquals(0, r.recap().get(fleet.name(5)).unreachable());
        assertTrue(r.failures().isEmpty(), () -> "failures: " + r.failures());
    }

    @Test
    void refusedKeyIsAnAuthFailureNamingTheHost() throws Exception {
        Path wrongKey = work.resolve("wrong_key");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrongKey.toString())
                .redirectErrorStream(true).start();
        assertTrue(keygen.waitFor(20, TimeUnit.SECONDS) && keygen.exitValue() == 0, "ssh-keygen");
        String hostLine = "          ansible_host: " + fleet.address(1) + "\n";
        String inventory = Files.readString(fleet.inventoryYaml());
        assertTrue(inventory.contains(hostLine), inventory);
        Path inv = work.resolve("wrong-key.yml");
        Files.writeString(inv, inventory.replace(hostLine, hostLine + "          ansible_ssh_private_key_file: " + wrongKey + "\n"));
        Path pb = runs.playbook("auth.yml", "- hosts: fleet\n  gather_facts: false\n  tasks:\n    - name: reach\n      ping:\n");

        RunReport r = runs.apply(pb, inv, runs.newRunDir());
        assertEquals(ExitCodes.HOST_UNREACHABLE, r.exitCode());
        assertEquals(1, r.failures().size(), () -> "failures: " + r.failures());
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(1), f.host());
        assertEquals("reach", f.task());
        assertTrue(f.location().endsWith(locate(pb, "name: reach")), f.location());
        assertEquals("auth", f.step());
        assertEquals("AUTH_FAILED", f.code());
        assertTrue(f.cause().contains(fleet.name(1)) && f.cause().contains(wrongKey.toString()), f.cause());
        for (int i = 2; i <= 5; i++) assertEquals(1, r.recap().get(fleet.name(i)).ok(), fleet.name(i));
    }

    @Test
    void hostFrozenBeforeTheRunIsAConnectTimeoutNotAHang() throws Exception {
        Path pb = runs.playbook("frozen.yml", "- hosts: fleet\n  gather_facts: false\n  tasks:\n    - name: reach\n      ping:\n");
        RunReport r;
        fleet.pkill(2, "sshd", "STOP"); // accepts TCP (the kernel's backlog), never says a word
        try {
            r = runs.apply(pb);
        } finally {
            resume(2);
        }
        assertEquals(ExitCodes.HOST_UNREACHABLE, r.exitCode());
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(2), f.host());
        assertEquals("connect", f.step());
        assertEquals("CONNECT_TIMEOUT", f.code());
        assertTrue(f.cause().contains("2000 ms"), f.cause());
        assertTrue(r.durationMs() < 10_000, "bounded by --connect-timeout 2: took " + r.durationMs() + " ms");
        for (int i : new int[] {1, 3, 4, 5}) assertEquals(1, r.recap().get(fleet.name(i)).ok(), fleet.name(i));
    }

    /** SIGCONT for whatever of host i is still stopped (a no-op when nothing matches). */
    private static void resume(int i) {
        try {
            fleet.pkill(i, SSHD_AND_AGENT, "CONT");
        } catch (IllegalStateException nothingToResume) {
            // fleet.sh pkill fails when no process matches
        }
    }
}
