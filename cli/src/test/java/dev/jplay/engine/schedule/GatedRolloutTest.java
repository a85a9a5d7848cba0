package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch gate inside the real runner: two local hosts, serial 1, the real agent as a subprocess. */
class GatedRolloutTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir Path dir;

    /** Each reading is 40 minutes after the previous one: every batch "takes" 40 minutes. */
    static final class StepClock extends Clock {
        private Instant next;

        StepClock(Instant start) {
            this.next = start;
        }

        @Override
        public synchronized Instant instant() {
            Instant now = next;
            next = next.plus(Duration.ofMinutes(40));
            return now;
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }

    @Test
    void secondBatchIsRefusedWhenItCannotFinishBeforeTheWindowCloses() throws Exception {
        Path playbook = dir.resolve("site.yml");
        Files.writeString(playbook, "- hosts: all\n  serial: 1\n  tasks:\n    - name: mark\n      command: touch " + dir.resolve("{{ inventory_hostname }}.done") + "\n");
        Path inventory = dir.resolve("hosts.yml");
        Files.writeString(inventory, "all:\n  hosts:\n    a: {ansible_connection: local}\n    b: {ansible_connection: local}\n");
        MaintenanceWindow night = new MaintenanceWindow(Set.of(DayOfWeek.values()), LocalTime.of(1, 0), LocalTime.of(3, 0), BERLIN);
        Schedule s = new Schedule("night", playbook.toString(), List.of(inventory.toString()), Map.of(), CronTrigger.parse("0 2 * * *", BERLIN),
                night, MissedRunPolicy.SKIP, Duration.ofMinutes(5), null, Instant.EPOCH);
        List<RunRecord.BatchDone> done = new ArrayList<>();
        BatchProgressGate gate = new BatchProgressGate(new StepClock(LocalDateTime.parse("2026-06-10T02:00").atZone(BERLIN).toInstant()),
                night, s.expectedBatchOrDefault(), () -> false, done::add);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RolloutLauncher.Result result = new PlaybookRollout("test", new PrintStream(console, true), 5)
                .launch(new RolloutLauncher.Request(s, "r1", dir.resolve("run"), gate));

        assertEquals(RunRecord.INTERRUPTED, result.outcome(), console.toString());
        assertEquals(3, result.exitCode());
        assertTrue(Files.exists(dir.resolve("a.done")), "batch 1 ran on a");
        assertTrue(!Files.exists(dir.resolve("b.done")), "batch 2 never touched b");
        assertEquals(List.of(new RunRecord.BatchDone("all", 1, List.of("a"))), done);
        assertTrue(gate.lastRefusal().contains("closes at") && gate.lastRefusal().contains("40m"), gate.lastRefusal());
        RunReport report = ReportFiles.read(result.report());
        assertEquals(1, report.recap().get("a").changed());
        assertEquals(0, report.recap().getOrDefault("b", dev.jplay.reports.HostRecap.ZERO).ok());
        assertTrue(console.toString().contains("batch 2 not started"), console.toString());

        // The scheduled run kept apply's journal: `jplay apply --resume RUN_DIR` finishes it without redoing batch 1.
        Files.delete(dir.resolve("a.done"));
        Path resumedRun = dir.resolve("resumed");
        int code = dev.jplay.cli.Main.execute(new String[] {"apply", playbook.toString(), "-i", inventory.toString(),
                "--report-dir", resumedRun.toString(), "--resume", dir.resolve("run").toString()});
        assertEquals(0, code);
        assertTrue(Files.exists(dir.resolve("b.done")), "batch 2 ran on b");
        assertTrue(!Files.exists(dir.resolve("a.done")), "batch 1 was skipped");
    }

    @Test
    void aScheduledRolloutWaitsForTheApplyHoldingItsFleetStateThenRunsOrGivesUpNamingIt() throws Exception {
        Path playbook = dir.resolve("site.yml");
        Files.writeString(playbook, "- hosts: all\n  replicas: {app: web, count: 1, pool: p}\n  vars:\n    jplay_ip_pools: {p: {cidr: 10.92.0.0/24}}\n"
                + "  tasks:\n    - name: mark\n      command: touch " + dir.resolve("{{ inventory_hostname }}.done") + "\n");
        Path inventory = dir.resolve("hosts.yml");
        Files.writeString(inventory, "all:\n  hosts:\n    a: {ansible_connection: local}\n");
        Schedule s = new Schedule("web", playbook.toString(), List.of(inventory.toString()), Map.of(), CronTrigger.parse("0 2 * * *", BERLIN),
                null, MissedRunPolicy.SKIP, Duration.ofMinutes(5), null, Instant.EPOCH);
        Path state = dir.resolve(".jplay/state"); // beside the playbook, as apply keeps it
        ProcessLock apply = FleetStateLock.acquire(state, FleetStateLock.holder("apply", "r-manual", Clock.systemUTC()), Duration.ZERO,
                () -> false, m -> {});
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        BatchProgressGate open = new BatchProgressGate(Clock.systemUTC(), null, s.expectedBatchOrDefault(), () -> false, d -> {});
        RolloutLauncher.Result refused = new PlaybookRollout("test", new PrintStream(console, true), 5, Duration.ofMillis(300))
                .launch(new RolloutLauncher.Request(s, "r1", dir.resolve("run1"), open));
        assertEquals(RunRecord.ERROR, refused.outcome());
        assertEquals(dev.jplay.engine.run.ExitCodes.STATE_LOCKED, refused.exitCode());
        assertTrue(refused.reason().startsWith("fleet state " + state.resolve("fleet.lock") + " is locked by apply run r-manual ("),
                refused.reason());
        assertTrue(!Files.exists(dir.resolve("a.done")), "nothing ran");
        assertTrue(console.toString().contains("web: fleet state " + state.resolve("fleet.lock") + " is locked by apply run r-manual"),
                console.toString());

        // The apply ends while the rollout waits (its announcement releases it): the rollout then runs.
        PrintStream releasing = new PrintStream(new ByteArrayOutputStream(), true) {
            @Override
            public void println(String x) {
                super.println(x);
                if (x.contains("waiting up to")) {
                    try {
                        apply.close();
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        };
        RolloutLauncher.Result ran = new PlaybookRollout("test", releasing, 5, Duration.ofSeconds(60))
                .launch(new RolloutLauncher.Request(s, "r2", dir.resolve("run2"), open));
        assertEquals("ok", ran.outcome(), String.valueOf(ran.reason()));
        assertTrue(Files.exists(dir.resolve("a.done")));
        assertTrue(ProcessLock.holder(state.resolve("fleet.lock")).isEmpty(), "released after the rollout");
        assertTrue(Files.exists(state.resolve("web.json")), "the rollout wrote its leases into the state it locked");
    }
}
