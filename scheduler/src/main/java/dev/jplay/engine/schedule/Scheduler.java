package dev.jplay.engine.schedule;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Fires rollouts when their cron says so. Time comes from an injectable {@link Clock}: {@link #poll()} fires
 * whatever is due at the clock's instant, so tests step a clock through DST changes; {@link #runUntilStopped()}
 * is the real loop.
 *
 * <p>Rules: one rollout per fleet at a time (a {@link ProcessLock} per fleet, across processes too; a second
 * trigger waits for the first to finish); a schedule whose previous run still runs skips the new fire;
 * a fire outside the maintenance window is skipped; on {@link #start()} runs left {@code running} by a dead
 * process are recorded as interrupted, and fires missed while no scheduler ran are skipped or run once,
 * per schedule. {@link #stop(Duration)} starts no new batch and waits for the current ones to finish.
 */
public final class Scheduler {
    private final Path stateDir;
    private final Supplier<List<Schedule>> schedules;
    private final RolloutLauncher launcher;
    private final Clock clock;
    private final PrintStream log;
    private final RunHistory history;
    private final WebhookNotifier notifier;
    private final ExecutorService rollouts;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Object wakeUp = new Object();
    private volatile boolean stopping;
    private Duration lockPoll = Duration.ofMillis(200);

    /** A schedule and when it fires next. */
    private static final class Slot {
        Schedule schedule;
        Instant next;
        Future<?> job;

        Slot(Schedule schedule, Instant next) {
            this.schedule = schedule;
            this.next = next;
        }

        boolean busy() {
            return job != null && !job.isDone();
        }
    }

    public Scheduler(Path stateDir, Supplier<List<Schedule>> schedules, RolloutLauncher launcher, WebhookNotifier notifier,
                     Clock clock, PrintStream log) {
        this.stateDir = stateDir;
        this.schedules = schedules;
        this.launcher = launcher;
        this.notifier = notifier;
        this.clock = clock;
        this.log = log;
        this.history = new RunHistory(stateDir.resolve(RunHistory.FILE_NAME));
        AtomicInteger n = new AtomicInteger();
        this.rollouts = Executors.newCachedThreadPool(r -> new Thread(r, "jplay-rollout-" + n.incrementAndGet()));
    }

    public RunHistory history() {
        return history;
    }

    public Path lockFile(FleetId fleet) {
        return stateDir.resolve("locks").resolve(fleet.fileName() + ".lock");
    }

    /** Records crashed runs, handles missed fires, and plans the next fire of every schedule. */
    public synchronized void start() throws IOException {
        Instant now = clock.instant();
        recoverCrashedRuns(now);
        Map<String, Instant> lastFired = new LinkedHashMap<>();
        for (RunRecord r : history.runs()) {
            if (r.scheduledFor() == null) continue;
            Instant t = Instant.parse(r.scheduledFor());
            lastFired.merge(r.scheduleName(), t, (a, b) -> a.isAfter(b) ? a : b);
        }
        for (Schedule s : schedules.get()) {
            Slot slot = new Slot(s, s.cron().nextAfter(now));
            slots.put(s.name(), slot);
            Instant since = lastFired.getOrDefault(s.name(), s.created());
            if (s.created().isAfter(since)) since = s.created();
            if (since.equals(Instant.EPOCH)) continue; // never ran, no creation time: nothing can be missed
            List<Instant> missed = s.cron().between(since, now, 1000);
            if (missed.isEmpty()) continue;
            Instant latest = s.cron().lastAtOrBefore(now).orElse(missed.get(missed.size() - 1));
            String count = missed.size() >= 1000 ? "1000 or more" : String.valueOf(missed.size());
            if (s.missed() == MissedRunPolicy.SKIP) {
                RunRecorder.skipped(history, clock, newRunId(), s, latest,
                        "missed " + count + " fire(s) while no scheduler ran (latest " + latest + "); missed-run policy skip");
                log.println("jplay scheduler: " + s.name() + ": skipped " + count + " missed fire(s), latest " + latest);
            } else {
                log.println("jplay scheduler: " + s.name() + ": running once for " + count + " missed fire(s), latest " + latest);
                fire(slot, latest);
            }
        }
    }

    private void recoverCrashedRuns(Instant now) throws IOException {
        for (RunRecord r : history.runs()) {
            if (!r.isRunning() || r.process() == null || !r.process().isDeadHere()) continue;
            String done = r.completedBatches().isEmpty() ? "no batch completed"
                    : r.completedBatches().size() + " batch(es) completed, last: play '"
                      + r.completedBatches().get(r.completedBatches().size() - 1).play() + "' batch "
                      + r.completedBatches().get(r.completedBatches().size() - 1).batch();
            RunRecord ended = r.ended(RunRecorder.now(clock), RunRecord.INTERRUPTED, null,
                    "the process running it (" + r.process() + ") died: crash or kill -9; " + done, r.counts(), r.report());
            history.append(ended);
            log.println("jplay scheduler: run " + r.runId() + " (" + r.scheduleName() + ") was interrupted by a crash; " + done);
        }
    }

    /** Fires every schedule due at the clock's instant; picks up added, changed and removed schedules. */
    public synchronized void poll() {
        Instant now = clock.instant();
        reconcile(now);
        for (Slot slot : slots.values()) {
            if (stopping || now.isBefore(slot.next)) continue;
            Instant due = slot.next;
            // After a long pause (suspend, clock jump) fire once, not once per missed occurrence.
            slot.next = slot.schedule.cron().nextAfter(now.isAfter(due) ? now : due);
            fire(slot, due);
        }
    }

    private void reconcile(Instant now) {
        Map<String, Schedule> current = new LinkedHashMap<>();
        for (Schedule s : schedules.get()) current.put(s.name(), s);
        slots.keySet().removeIf(name -> !current.containsKey(name) && !slots.get(name).busy());
        current.forEach((name, s) -> {
            Slot slot = slots.get(name);
            if (slot == null) {
                slots.put(name, new Slot(s, s.cron().nextAfter(now)));
            } else if (!sameTiming(slot.schedule, s)) {
                slot.schedule = s;
                slot.next = s.cron().nextAfter(now);
            } else {
                slot.schedule = s;
            }
        });
    }

    private static boolean sameTiming(Schedule a, Schedule b) {
        return a.cron().toString().equals(b.cron().toString());
    }

    /** When the next fire is due, over all schedules (empty when there is none). */
    public synchronized Optional<Instant> nextDue() {
        return slots.values().stream().map(s -> s.next).min(Instant::compareTo);
    }

    private void fire(Slot slot, Instant scheduledFor) {
        Schedule s = slot.schedule;
        if (slot.busy()) {
            skip(s, scheduledFor, "the previous run of this schedule is still running or waiting for its fleet");
            return;
        }
        Instant now = clock.instant();
        if (s.window() != null && !s.window().canStart(now, s.expectedBatchOrDefault())) {
            skip(s, scheduledFor, "outside the maintenance window " + s.window() + " (or it closes within the expected batch time "
                    + Durations.format(s.expectedBatchOrDefault()) + "); next opening " + s.window().nextOpening(now));
            return;
        }
        slot.job = rollouts.submit(() -> runRollout(s, scheduledFor));
    }

    private void skip(Schedule s, Instant scheduledFor, String reason) {
        try {
            RunRecorder.skipped(history, clock, newRunId(), s, scheduledFor, reason);
        } catch (IOException e) {
            log.println("jplay scheduler: cannot record skipped fire of " + s.name() + " in " + history.file() + ": " + e.getMessage());
        }
        log.println("jplay scheduler: " + s.name() + ": fire at " + scheduledFor + " skipped: " + reason);
    }

    private void runRollout(Schedule s, Instant scheduledFor) {
        String runId = newRunId();
        try (ProcessLock lock = waitForFleet(s, runId)) {
            if (lock == null) {
                skip(s, scheduledFor, "the scheduler stopped while waiting for the fleet lock");
                return;
            }
            lock.takenOverFrom().ifPresent(h -> log.println("jplay scheduler: took over stale fleet lock " + lock.file()
                    + " from " + h + ": that process is gone"));
            if (s.window() != null && !s.window().canStart(clock.instant(), s.expectedBatchOrDefault())) {
                skip(s, scheduledFor, "the maintenance window " + s.window() + " no longer allows a batch once the fleet was free");
                return;
            }
            Path runDir = stateDir.resolve("runs").resolve(runId);
            RunRecorder recorder = RunRecorder.start(history, clock, log, runId, s.name(), scheduledFor, s.playbook(),
                    s.inventory(), s.extraVars().keySet());
            log.println("jplay scheduler: " + s.name() + ": run " + runId + " started (fire at " + scheduledFor + ")");
            BatchProgressGate gate = new BatchProgressGate(clock, s.window(), s.expectedBatchOrDefault(), () -> stopping,
                    recorder::batchDone);
            RunRecord finished;
            try {
                RolloutLauncher.Result result = launcher.launch(new RolloutLauncher.Request(s, runId, runDir, gate, () -> stopping));
                boolean interrupted = RunRecord.INTERRUPTED.equals(result.outcome());
                if (!interrupted && !RunRecord.ERROR.equals(result.outcome())) gate.runCompleted();
                String reason = result.reason() != null ? result.reason() : interrupted ? gate.lastRefusal() : null;
                finished = recorder.finish(result.outcome(), result.exitCode(), reason, result.counts(),
                        result.report() == null ? null : result.report().toString());
            } catch (Exception e) {
                finished = recorder.finish(RunRecord.ERROR, 70, "rollout failed: " + e, null, null);
            }
            log.println("jplay scheduler: " + s.name() + ": run " + runId + " ended " + finished.outcome()
                    + (finished.reason() == null ? "" : " (" + finished.reason() + ")"));
            notifyWebhook(s, finished);
        } catch (IOException e) {
            log.println("jplay scheduler: " + s.name() + ": " + e.getMessage());
        } catch (RuntimeException | Error e) {
            log.println("jplay scheduler: " + s.name() + ": internal error: " + e);
            e.printStackTrace(log);
        }
    }

    /** Blocks until this process holds the fleet's lock; null when the scheduler stops first. */
    private ProcessLock waitForFleet(Schedule s, String runId) throws IOException {
        Path file = lockFile(s.fleet());
        ProcessLock.Holder me = new ProcessLock.Holder(ProcessIdentity.current(), RunRecorder.now(clock), "schedule " + s.name(), runId);
        boolean announced = false;
        while (!stopping) {
            Optional<ProcessLock> lock = ProcessLock.tryAcquire(file, me);
            if (lock.isPresent()) return lock.get();
            if (!announced) {
                log.println("jplay scheduler: " + s.name() + ": fleet busy (" + ProcessLock.holder(file).map(Object::toString).orElse("?")
                        + "): waiting");
                announced = true;
            }
            try {
                Thread.sleep(lockPoll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void notifyWebhook(Schedule s, RunRecord run) {
        if (s.webhook() == null || notifier == null) return;
        try {
            WebhookNotifier.Delivery d = notifier.notify(s.webhook(), s, run);
            if (d.attempts() > 0 && !d.delivered()) log.println("jplay scheduler: " + s.name() + ": webhook not delivered: " + d.error());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The real loop: polls until {@link #stop} is called, sleeping until the next fire (at most a second). */
    public void runUntilStopped() {
        while (!stopping) {
            poll();
            long wait = nextDue().map(t -> Duration.between(clock.instant(), t).toMillis()).orElse(1000L);
            wait = Math.max(10, Math.min(1000, wait));
            synchronized (wakeUp) {
                if (stopping) break;
                try {
                    wakeUp.wait(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    /**
     * Graceful stop: no new fire and no new batch; running batches finish and their runs are recorded as
     * interrupted. Returns false when rollouts were still running after {@code maxWait}.
     */
    public boolean stop(Duration maxWait) throws InterruptedException {
        stopping = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        rollouts.shutdown();
        return rollouts.awaitTermination(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the rollouts started so far (tests). */
    public void awaitIdle(Duration max) throws InterruptedException {
        Instant end = Instant.now().plus(max);
        while (Instant.now().isBefore(end)) {
            List<Future<?>> jobs = new ArrayList<>();
            synchronized (this) {
                slots.values().forEach(s -> { if (s.busy()) jobs.add(s.job); });
            }
            if (jobs.isEmpty()) return;
            Thread.sleep(20);
        }
        throw new IllegalStateException("rollouts still running after " + max);
    }

    void lockPoll(Duration d) {
        this.lockPoll = d;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Sortable and unique: UTC time of creation plus random bits (same shape as apply's run ids). */
    public static String newRunId() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-" + HexFormat.of().formatHex(b);
    }
}
