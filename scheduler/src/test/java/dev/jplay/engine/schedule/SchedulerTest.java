package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @TempDir Path state;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true);
    private final List<Launch> launches = new CopyOnWriteArrayList<>();
    private Scheduler scheduler;

    /** What the fake launcher saw. */
    record Launch(String schedule, Instant scheduledFor, Instant clockAtLaunch, long startNanos, long endNanos) {}

    @AfterEach
    void stop() throws InterruptedException {
        if (scheduler != null) scheduler.stop(Duration.ofSeconds(10));
    }

    private static Schedule schedule(String name, String cron, ZoneId zone, List<String> fleet, MaintenanceWindow window,
                                     MissedRunPolicy missed, Instant created) {
        return new Schedule(name, "/srv/deploy.yml", fleet, Map.of(), CronTrigger.parse(cron, zone), window, missed,
                Duration.ofMinutes(10), null, created);
    }

    /** A launcher that records and takes {@code millis} of real time, in {@code batches} gated batches. */
    private RolloutLauncher fake(MutableClock clock, long millis, int batches) {
        return request -> {
            long start = System.nanoTime();
            Instant at = clock.instant();
            String outcome = "ok";
            for (int b = 1; b <= batches; b++) {
                if (request.gate().refusal("deploy", b, batches, List.of("h" + b)).isPresent()) {
                    outcome = RunRecord.INTERRUPTED;
                    break;
                }
                Thread.sleep(millis / batches);
            }
            launches.add(new Launch(request.schedule().name(), Instant.parse(scheduledFor(request)), at, start, System.nanoTime()));
            return new RolloutLauncher.Result(outcome, outcome.equals("ok") ? 0 : 3, new RunRecord.Counts(batches, batches, 0, 0, 0, 0, 0, 0),
                    null, null);
        };
    }

    private String scheduledFor(RolloutLauncher.Request request) throws Exception {
        for (RunRecord r : new RunHistory(state.resolve(RunHistory.FILE_NAME)).runs()) {
            if (r.runId().equals(request.runId())) return r.scheduledFor();
        }
        throw new AssertionError("run " + request.runId() + " was not recorded before it launched");
    }

    /** Steps the clock a minute at a time from {@code from} to {@code to}, polling at each step. */
    private List<Instant> fireTimes(Schedule s, Instant from, Instant to) throws Exception {
        MutableClock clock = new MutableClock(from);
        scheduler = new Scheduler(state, () -> List.of(s), fake(clock, 0, 1), null, clock, log);
        scheduler.start();
        for (Instant t = from; !t.isAfter(to); t = t.plusSeconds(60)) {
            clock.set(t);
            scheduler.poll();
            scheduler.awaitIdle(Duration.ofSeconds(5));
        }
        launches.forEach(l -> assertEquals(l.scheduledFor(), l.clockAtLaunch(), "fired at its instant, not late"));
        return launches.stream().map(Launch::scheduledFor).toList();
    }

    private static Instant local(String t, ZoneId zone) {
        return LocalDateTime.parse(t).atZone(zone).toInstant();
    }

    @Test
    void firesAtTheRightInstantsAcrossBerlinSpringChange() throws Exception {
        Schedule s = schedule("daily", "30 2 * * *", BERLIN, List.of("a,"), null, MissedRunPolicy.SKIP, Instant.EPOCH);
        assertEquals(List.of(local("2026-03-28T02:30", BERLIN), local("2026-03-29T03:00", BERLIN), local("2026-03-30T02:30", BERLIN)),
                fireTimes(s, local("2026-03-28T00:00", BERLIN), local("2026-03-30T12:00", BERLIN)));
    }

    @Test
    void firesOnceInBerlinsRepeatedAutumnHour() throws Exception {
        Schedule s = schedule("daily", "30 2 * * *", BERLIN, List.of("a,"), null, MissedRunPolicy.SKIP, Instant.EPOCH);
        assertEquals(List.of(Instant.parse("2026-10-24T00:30:00Z"), Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z")),
                fireTimes(s, local("2026-10-24T00:00", BERLIN), local("2026-10-26T12:00", BERLIN)));
    }

    @Test
    void firesAtTheRightInstantsAcrossNewYorkChanges() throws Exception {
        Schedule s = schedule("ny", "30 2 * * *", NEW_YORK, List.of("a,"), null, MissedRunPolicy.SKIP, Instant.EPOCH);
        assertEquals(List.of(Instant.parse("2026-03-07T07:30:00Z"), Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-03-09T06:30:00Z")),
                fireTimes(s, local("2026-03-07T00:00", NEW_YORK), local("2026-03-09T12:00", NEW_YORK)));
    }

    private static final MaintenanceWindow NIGHT = new MaintenanceWindow(Set.of(DayOfWeek.values()), LocalTime.of(1, 0), LocalTime.of(3, 0), BERLIN);

    @Test
    void firesOutsideTheWindowAreSkippedAndRecorded() throws Exception {
        // Every hour; the window is 01:00-03:00 and a batch is expected to take 10 minutes.
        Schedule s = schedule("hourly", "55 * * * *", BERLIN, List.of("a,"), NIGHT, MissedRunPolicy.SKIP, Instant.EPOCH);
        List<Instant> ran = fireTimes(s, local("2026-06-10T00:00", BERLIN), local("2026-06-10T04:00", BERLIN));
        // 01:55 fits; 02:55 is inside but would end after 03:00; 00:55 and 03:55 are outside.
        assertEquals(List.of(local("2026-06-10T01:55", BERLIN)), ran);
        List<RunRecord> skipped = scheduler.history().runs().stream().filter(r -> r.hasOutcome(RunRecord.SKIPPED)).toList();
        assertEquals(List.of(local("2026-06-10T00:55", BERLIN), local("2026-06-10T02:55", BERLIN), local("2026-06-10T03:55", BERLIN)),
                skipped.stream().map(r -> Instant.parse(r.scheduledFor())).toList());
        assertTrue(skipped.get(0).reason().contains("outside the maintenance window"), skipped.get(0).reason());
    }

    @Test
    void batchThatCannotFinishBeforeTheWindowClosesIsNotStarted() {
        MutableClock clock = new MutableClock(local("2026-06-10T02:00", BERLIN));
        List<RunRecord.BatchDone> done = new ArrayList<>();
        BatchProgressGate gate = new BatchProgressGate(clock, NIGHT, Duration.ofMinutes(10), () -> false, done::add);
        assertTrue(gate.refusal("deploy", 1, 3, List.of("a")).isEmpty());
        clock.advance(Duration.ofMinutes(25)); // batch 1 took 25 minutes: 02:25, 35 minutes left
        assertTrue(gate.refusal("deploy", 2, 3, List.of("b")).isEmpty());
        clock.advance(Duration.ofMinutes(20)); // 02:45: 15 minutes left, but a batch takes up to 25
        String why = gate.refusal("deploy", 3, 3, List.of("c")).orElseThrow();
        assertTrue(why.contains("closes at") && why.contains("25m"), why);
        assertEquals(List.of("a", "b"), done.stream().flatMap(d -> d.hosts().stream()).toList());
        clock.set(local("2026-06-10T04:00", BERLIN));
        assertTrue(gate.refusal("deploy", 1, 1, List.of("d")).orElseThrow().contains("outside the maintenance window"));
    }

    @Test
    void missedFiresAreSkippedOnStartWithPolicySkip() throws Exception {
        Instant created = local("2026-06-01T12:00", BERLIN);
        MutableClock clock = new MutableClock(local("2026-06-04T12:00", BERLIN));
        Schedule s = schedule("nightly", "0 2 * * *", BERLIN, List.of("a,"), null, MissedRunPolicy.SKIP, created);
        scheduler = new Scheduler(state, () -> List.of(s), fake(clock, 0, 1), null, clock, log);
        scheduler.start();
        scheduler.awaitIdle(Duration.ofSeconds(5));
        assertEquals(List.of(), launches);
        List<RunRecord> runs = scheduler.history().runs();
        assertEquals(1, runs.size());
        assertEquals(RunRecord.SKIPPED, runs.get(0).outcome());
        assertEquals(local("2026-06-04T02:00", BERLIN).toString(), runs.get(0).scheduledFor());
        assertTrue(runs.get(0).reason().contains("missed 3 fire(s)"), runs.get(0).reason());
        // A second start does not skip the same fires again.
        Scheduler again = new Scheduler(state, () -> List.of(s), fake(clock, 0, 1), null, clock, log);
        again.start();
        assertEquals(1, again.history().runs().size());
        again.stop(Duration.ofSeconds(5));
    }

    @Test
    void missedFiresRunOnceOnStartWithPolicyRunOnce() throws Exception {
        Instant created = local("2026-06-01T12:00", BERLIN);
        MutableClock clock = new MutableClock(local("2026-06-04T12:00", BERLIN));
        Schedule s = schedule("nightly", "0 2 * * *", BERLIN, List.of("a,"), null, MissedRunPolicy.RUN_ONCE, created);
        scheduler = new Scheduler(state, () -> List.of(s), fake(clock, 0, 1), null, clock, log);
        scheduler.start();
        scheduler.awaitIdle(Duration.ofSeconds(5));
        assertEquals(1, launches.size(), "three fires missed, one run");
        assertEquals(local("2026-06-04T02:00", BERLIN), launches.get(0).scheduledFor());
        assertEquals(clock.instant(), launches.get(0).clockAtLaunch(), "ran at start, not at the next fire");
        assertEquals("ok", scheduler.history().runs().get(0).outcome());
    }

    @Test
    void twoTriggersForOneFleetNeverOverlap() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-10T00:59:00Z"));
        // Two schedules, same hosts written differently: one fleet. Both fire at 01:00.
        Schedule a = schedule("a", "0 1 * * *", ZoneId.of("UTC"), List.of("web1,web2"), null, MissedRunPolicy.SKIP, Instant.EPOCH);
        Schedule b = schedule("b", "0 1 * * *", ZoneId.of("UTC"), List.of("web2, web1,"), null, MissedRunPolicy.SKIP, Instant.EPOCH);
        scheduler = new Scheduler(state, () -> List.of(a, b), fake(clock, 400, 2), null, clock, log);
        scheduler.lockPoll(Duration.ofMillis(10));
        scheduler.start();
        clock.set(Instant.parse("2026-06-10T01:00:00Z"));
        scheduler.poll();
        scheduler.awaitIdle(Duration.ofSeconds(10));
        assertEquals(2, launches.size());
        List<Launch> byStart = launches.stream().sorted((x, y) -> Long.compare(x.startNanos(), y.startNanos())).toList();
        assertTrue(byStart.get(0).endNanos() <= byStart.get(1).startNanos(),
                "second rollout started " + (byStart.get(0).endNanos() - byStart.get(1).startNanos()) / 1_000_000 + " ms before the first ended");
        assertTrue(logBytes.toString().contains("fleet busy"), logBytes.toString());
    }

    @Test
    void differentFleetsRunAtTheSameTime() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-10T00:59:00Z"));
        Schedule a = schedule("a", "0 1 * * *", ZoneId.of("UTC"), List.of("web1,"), null, MissedRunPolicy.SKIP, Instant.EPOCH);
        Schedule b = schedule("b", "0 1 * * *", ZoneId.of("UTC"), List.of("db1,"), null, MissedRunPolicy.SKIP, Instant.EPOCH);
        scheduler = new Scheduler(state, () -> List.of(a, b), fake(clock, 400, 1), null, clock, log);
        scheduler.start();
        clock.set(Instant.parse("2026-06-10T01:00:00Z"));
        scheduler.poll();
        scheduler.awaitIdle(Duration.ofSeconds(10));
        assertEquals(2, launches.size());
        Launch x = launches.get(0), y = launches.get(1);
        assertTrue(x.startNanos() < y.endNanos() && y.startNanos() < x.endNanos(), "the two fleets' rollouts overlapped in time");
    }

    @Test
    void stopLetsTheCurrentBatchFinishAndRecordsTheRunAsInterrupted() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-10T00:59:00Z"));
        Schedule s = schedule("s", "0 1 * * *", ZoneId.of("UTC"), List.of("web1,"), null, MissedRunPolicy.SKIP, Instant.EPOCH);
        CountDownLatch inBatch = new CountDownLatch(1);
        List<String> finishedBatches = new CopyOnWriteArrayList<>();
        RolloutLauncher launcher = request -> {
            for (int b = 1; b <= 3; b++) {
                if (request.gate().refusal("deploy", b, 3, List.of("h" + b)).isPresent()) {
                    return new RolloutLauncher.Result(RunRecord.INTERRUPTED, 3, null, null, null);
                }
                inBatch.countDown();
                Thread.sleep(300);
                finishedBatches.add("h" + b);
            }
            return new RolloutLauncher.Result("ok", 0, null, null, null);
        };
        scheduler = new Scheduler(state, () -> List.of(s), launcher, null, clock, log);
        scheduler.start();
        clock.set(Instant.parse("2026-06-10T01:00:00Z"));
        scheduler.poll();
        assertTrue(inBatch.await(5, TimeUnit.SECONDS));
        assertTrue(scheduler.stop(Duration.ofSeconds(10)), "stop waits for the running batch");
        assertEquals(List.of("h1"), finishedBatches, "batch 1 finished, batch 2 never started");
        RunRecord run = scheduler.history().runs().get(0);
        assertEquals(RunRecord.INTERRUPTED, run.outcome());
        assertTrue(run.reason().contains("stopping"), run.reason());
        assertEquals(List.of(new RunRecord.BatchDone("deploy", 1, List.of("h1"))), run.completedBatches());
    }

    @Test
    void runLeftRunningByADeadProcessIsRecordedAsInterruptedOnStart() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        RunHistory h = new RunHistory(state.resolve(RunHistory.FILE_NAME));
        ProcessIdentity dead = new ProcessIdentity(gone.pid(), ProcessIdentity.hostName(), Instant.now().toString());
        RunRecord crashed = new RunRecord("r-crash", "web", "2026-06-10T01:00:00Z", "2026-06-10T01:00:00Z", null, RunRecord.RUNNING, null,
                null, "p.yml", List.of("a,"), List.of(), null, null, dead, List.of(new RunRecord.BatchDone("deploy", 1, List.of("a"))));
        h.append(crashed);
        RunRecord live = new RunRecord("r-live", "web", null, "2026-06-10T01:00:01Z", null, RunRecord.RUNNING, null, null, "p.yml",
                List.of("b,"), List.of(), null, null, ProcessIdentity.current(), List.of());
        h.append(live);
        MutableClock clock = new MutableClock(Instant.parse("2026-06-10T02:00:00Z"));
        scheduler = new Scheduler(state, List::of, fake(clock, 0, 1), null, clock, log);
        scheduler.start();
        Map<String, RunRecord> byId = new java.util.HashMap<>();
        h.runs().forEach(r -> byId.put(r.runId(), r));
        assertEquals(RunRecord.INTERRUPTED, byId.get("r-crash").outcome());
        assertTrue(byId.get("r-crash").reason().contains("died") && byId.get("r-crash").reason().contains("1 batch(es) completed"),
                byId.get("r-crash").reason());
        assertEquals(RunRecord.RUNNING, byId.get("r-live").outcome(), "a live process's run is left alone");
    }
}
