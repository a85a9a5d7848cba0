package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled rollout waits for the fleet state lock an apply holds (up to 30 minutes); stopping the scheduler
 * (SIGTERM) ends that wait at once and records the run as interrupted, naming the holder.
 */
class SchedulerStopWhileWaitingTest {
    @TempDir Path dir;

    @Test
    void stoppingTheSchedulerEndsARolloutWaitingForTheFleetStateLock() throws Exception {
        Path playbook = dir.resolve("site.yml");
        Files.writeString(playbook, "- hosts: all\n  replicas: {app: web, count: 1}\n  tasks:\n    - command: 'true'\n");
        Path inventory = dir.resolve("hosts.yml");
        Files.writeString(inventory, "all:\n  hosts:\n    a: {ansible_connection: local}\n");
        Instant fire = Instant.parse("2026-06-10T02:00:00Z");
        Schedule s = new Schedule("web", playbook.toString(), List.of(inventory.toString()), Map.of(),
                CronTrigger.parse("0 2 * * *", ZoneOffset.UTC), null, MissedRunPolicy.SKIP, Duration.ofMinutes(5), null, Instant.EPOCH);
        Path stateDir = dir.resolve(".jplay/state");
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true);
        MutableClock clock = new MutableClock(fire.minusSeconds(60));
        Scheduler scheduler = new Scheduler(dir.resolve("sched"), () -> List.of(s),
                new PlaybookRollout("test", log, 5), null, clock, log); // the real 30-minute lock wait
        try (ProcessLock apply = FleetStateLock.acquire(stateDir, FleetStateLock.holder("apply", "r-manual", Clock.systemUTC()),
                Duration.ZERO, () -> false, m -> {})) {
            scheduler.start();
            clock.set(fire);
            scheduler.poll();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!logBytes.toString().contains("waiting up to 30m") && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(logBytes.toString().contains("is locked by apply run r-manual"), logBytes.toString());

            long start = System.nanoTime();
            boolean stopped = scheduler.stop(Duration.ofSeconds(20));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(stopped, "the waiting rollout ended within 20 s of the stop: " + logBytes);
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "stop took " + took);
        }
        List<RunRecord> runs = scheduler.history().runs();
        assertEquals(1, runs.size(), runs.toString());
        RunRecord run = runs.get(0);
        assertEquals(RunRecord.INTERRUPTED, run.outcome());
        assertEquals(Integer.valueOf(dev.jplay.engine.run.ExitCodes.INTERRUPTED), run.exitCode());
        assertTrue(run.reason().startsWith("the scheduler stopped while this run waited for its fleet state: fleet state "
                + stateDir.resolve("fleet.lock") + " is locked by apply run r-manual"), run.reason());
    }
}
