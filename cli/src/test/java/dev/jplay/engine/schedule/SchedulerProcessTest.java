package dev.jplay.engine.schedule;

import dev.jplay.testing.JavaProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jplay scheduler run} as a real process running real rollouts against the local connection (the agent
 * is a subprocess, no SSH): killed with SIGKILL mid-rollout then restarted, and stopped with SIGTERM mid-rollout.
 */
class SchedulerProcessTest {
    @TempDir Path dir;
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killEverythingStarted() {
        for (ProcessHandle p : started) JavaProcess.killTree(p);
    }

    private Process scheduler(String log) throws IOException {
        Process p = JavaProcess.builder(dir, "dev.jplay.cli.Main", "scheduler", "run", "--file", "schedules.yml", "--state-dir", "state")
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
        started.add(p.toHandle());
        return p;
    }

    /** A schedule due every minute, created five minutes ago, that runs once on start for the missed fires. */
    private void writeSchedule(String name, String playbook, String inventory) throws IOException {
        Files.writeString(dir.resolve("schedules.yml"), "schedules:\n  - name: " + name + "\n    playbook: " + playbook
                + "\n    inventory: [\"" + inventory + "\"]\n    cron: \"* * * * *\"\n    zone: UTC\n    missed: run_once\n"
                + "    created: \"" + Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS) + "\"\n");
    }

    private RunHistory history() {
        return new RunHistory(dir.resolve("state").resolve(RunHistory.FILE_NAME));
    }

    private RunRecord awaitRun(Predicate<RunRecord> wanted, String what, Process p, String log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Optional<RunRecord> r = history().runs().stream().filter(wanted).findFirst();
            if (r.isPresent()) return r.get();
            if (p != null && !p.isAlive()) break;
            Thread.sleep(100);
        }
        throw new AssertionError("no run " + what + " in history; scheduler log:\n" + Files.readString(dir.resolve(log)));
    }

    private static Optional<ProcessHandle> descendantRunning(Process p, String commandArg) {
        return p.descendants().filter(d -> d.info().commandLine().orElse("").contains(commandArg)).findFirst();
    }

    private static void awaitDescendant(Process p, String commandArg) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && descendantRunning(p, commandArg).isEmpty()) Thread.sleep(50);
        assertTrue(descendantRunning(p, commandArg).isPresent(), "no '" + commandArg + "' under the scheduler");
    }

    @Test
    void crashMidRolloutIsReportedAsInterruptedAfterRestartAndTheStaleFleetLockIsTakenOver() throws Exception {
        Files.writeString(dir.resolve("slow.yml"), "- hosts: all\n  tasks:\n    - name: slow\n      command: sleep 127\n");
        Files.writeString(dir.resolve("quick.yml"), "- hosts: all\n  tasks:\n    - name: quick\n      command: \"true\"\n");
        writeSchedule("slow", "slow.yml", "localhost,");
        Process first = scheduler("first.log");
        RunRecord running = awaitRun(r -> r.scheduleName().equals("slow") && r.isRunning(), "running", first, "first.log");
        awaitDescendant(first, "127");
        List<ProcessHandle> children = first.descendants().toList();
        first.destroyForcibly(); // kill -9 in the middle of the rollout
        assertTrue(first.waitFor(20, TimeUnit.SECONDS));
        children.forEach(ProcessHandle::destroyForcibly);

        FleetId fleet = FleetId.of(List.of("localhost,"));
        Path lock = dir.resolve("state/locks").resolve(fleet.fileName() + ".lock");
        ProcessLock.Holder stale = ProcessLock.holder(lock).orElseThrow(() -> new AssertionError("the lock file names its holder after a crash"));
        assertEquals(first.pid(), stale.process().pid());
        assertEquals(running.runId(), stale.runId());
        assertEquals(RunRecord.RUNNING, history().runs().get(0).outcome(), "nothing could record the end: the process was killed");

        writeSchedule("quick", "quick.yml", "localhost,"); // same fleet
        Process second = scheduler("second.log");
        RunRecord crashed = awaitRun(r -> r.runId().equals(running.runId()) && !r.isRunning(), "recovered", second, "second.log");
        assertEquals(RunRecord.INTERRUPTED, crashed.outcome());
        assertTrue(crashed.reason().contains("pid " + first.pid()) && crashed.reason().contains("died"), crashed.reason());
        RunRecord quick = awaitRun(r -> r.scheduleName().equals("quick") && !r.isRunning(), "quick ended", second, "second.log");
        assertEquals("ok", quick.outcome(), Files.readString(dir.resolve("second.log")));
        String log = Files.readString(dir.resolve("second.log"));
        assertTrue(log.contains("took over stale fleet lock") && log.contains("pid " + first.pid()), log);

        second.destroy(); // SIGTERM while idle
        assertTrue(second.waitFor(30, TimeUnit.SECONDS), "scheduler stops on SIGTERM");
        assertTrue(ProcessLock.holder(lock).isEmpty(), "released cleanly");

        Process cli = JavaProcess.builder(dir, "dev.jplay.cli.Main", "history", "--state-dir", "state", "--outcome", "interrupted", "--json")
                .redirectErrorStream(true).start();
        started.add(cli.toHandle());
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cli.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("\"run_id\":\"" + running.runId() + "\"") && out.contains("\"schedule\":\"slow\""), out);
    }

    @Test
    void sigtermLetsTheCurrentBatchFinishAndRecordsTheRunAsInterrupted() throws Exception {
        Files.writeString(dir.resolve("hosts.yml"), "all:\n  hosts:\n    a: {ansible_connection: local}\n    b: {ansible_connection: local}\n");
        Files.writeString(dir.resolve("serial.yml"), "- hosts: all\n  serial: 1\n  tasks:\n    - name: nap\n      command: sleep 3.5\n");
        writeSchedule("serial", "serial.yml", "hosts.yml");
        Process p = scheduler("sched.log");
        awaitDescendant(p, "3.5");
        long termAt = System.nanoTime();
        p.destroy(); // SIGTERM during batch 1
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "scheduler exits after the batch");
        long stoppedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);

        RunRecord run = awaitRun(r -> r.scheduleName().equals("serial"), "serial", null, "sched.log");
        String log = Files.readString(dir.resolve("sched.log"));
        assertEquals(RunRecord.INTERRUPTED, run.outcome(), log);
        assertTrue(run.reason().contains("SIGTERM"), run.reason());
        assertEquals(List.of(new RunRecord.BatchDone("all", 1, List.of("a"))), run.completedBatches());
        RunReport report = ReportFiles.read(Path.of(run.report()).isAbsolute() ? Path.of(run.report()) : dir.resolve(run.report()));
        assertEquals(1, report.recap().get("a").changed(), "a's task ran to its end: " + report.recap());
        assertEquals(0, report.recap().getOrDefault("b", HostRecap.ZERO).ok(), "b was never started");
        assertTrue(stoppedAfterMs < 30_000, "stopped " + stoppedAfterMs + " ms after SIGTERM");
        assertTrue(log.contains("stopping: no new batch starts"), log);
    }
}
