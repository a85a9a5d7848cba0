package dev.jplay.cli;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.schedule.Durations;
import dev.jplay.engine.schedule.PlaybookRollout;
import dev.jplay.engine.schedule.ProcessIdentity;
import dev.jplay.engine.schedule.ProcessLock;
import dev.jplay.engine.schedule.Schedule;
import dev.jplay.engine.schedule.ScheduleFile;
import dev.jplay.engine.schedule.Scheduler;
import dev.jplay.engine.schedule.StateDir;
import dev.jplay.engine.schedule.WebhookNotifier;
import dev.jplay.engine.yaml.PlaybookException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jplay scheduler run}: the long-running process that fires scheduled rollouts. */
@Command(name = "scheduler", mixinStandardHelpOptions = true, description = "The scheduler process.",
        subcommands = {SchedulerRunCommand.Run.class})
public final class SchedulerRunCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Fire scheduled rollouts until SIGTERM. On SIGTERM no new batch starts, the current ones finish,",
                    "and their runs are recorded as interrupted. The schedules file is re-read when it changes."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--file", paramLabel = "FILE", description = "Schedules file (default: .jplay/schedules.yml).")
        Path file = ScheduleFile.DEFAULT;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "History, locks and run reports (default: $JPLAY_STATE_DIR or .jplay).")
        Path stateDir = StateDir.defaultDir();

        @Option(names = {"-f", "--forks"}, defaultValue = "50", description = "Hosts worked on at once per rollout (default: ${DEFAULT-VALUE}).")
        int forks;

        @Option(names = "--stop-timeout", defaultValue = "1h", paramLabel = "DURATION",
                description = "On SIGTERM, wait this long for running batches (default: ${DEFAULT-VALUE}).")
        String stopTimeout;

        @Option(names = "--webhook-backoff", defaultValue = "2s", paramLabel = "DURATION",
                description = "First webhook retry delay, doubled each retry (default: ${DEFAULT-VALUE}).")
        String webhookBackoff;

        @Override
        public Integer call() throws Exception {
            PrintStream log = System.out;
            Duration stopWait;
            Duration backoff;
            try {
                stopWait = Durations.parse(stopTimeout);
                backoff = Durations.parse(webhookBackoff);
                ScheduleFile.load(file); // fail fast on a bad file
            } catch (PlaybookException | IllegalArgumentException e) {
                System.err.println("jplay: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            Path lockFile = stateDir.resolve("scheduler.lock");
            ProcessLock.Holder me = new ProcessLock.Holder(ProcessIdentity.current(), Instant.now().toString(), "jplay scheduler", null);
            Optional<ProcessLock> lock = ProcessLock.tryAcquire(lockFile, me);
            if (lock.isEmpty()) {
                System.err.println("jplay: another scheduler uses " + stateDir + ": " + ProcessLock.holder(lockFile).map(Object::toString).orElse("?"));
                return ExitCodes.BAD_INPUT;
            }
            lock.get().takenOverFrom().ifPresent(h -> log.println("jplay scheduler: previous scheduler " + h + " did not stop cleanly"));
            Scheduler scheduler = new Scheduler(stateDir, new ReloadingSchedules(file, log), new PlaybookRollout(Main.VERSION, log, forks),
                    new WebhookNotifier(backoff, log), Clock.systemUTC(), log);
            Thread hook = new Thread(() -> {
                log.println("jplay scheduler: stopping: no new batch starts; waiting up to " + stopTimeout + " for running batches");
                try {
                    boolean done = scheduler.stop(stopWait);
                    log.println(done ? "jplay scheduler: stopped" : "jplay scheduler: rollouts still running after " + stopTimeout + ": exiting anyway");
                    lock.get().close();
                } catch (InterruptedException | IOException e) {
                    log.println("jplay scheduler: stop: " + e);
                }
                log.flush();
            }, "jplay-scheduler-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            scheduler.start();
            log.println("jplay scheduler: started (pid " + ProcessHandle.current().pid() + ", schedules " + file + ", state " + stateDir + ")");
            scheduler.runUntilStopped();
            return ExitCodes.OK;
        }
    }

    /** The schedules file, re-read when its modification time changes; a broken edit keeps the last good list. */
    static final class ReloadingSchedules implements Supplier<List<Schedule>> {
        private final Path file;
        private final PrintStream log;
        private FileTime loadedAt;
        private List<Schedule> schedules = List.of();

        ReloadingSchedules(Path file, PrintStream log) {
            this.file = file;
            this.log = log;
        }

        @Override
        public synchronized List<Schedule> get() {
            FileTime mtime;
            try {
                mtime = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
            } catch (IOException e) {
                return schedules;
            }
            if (mtime.equals(loadedAt)) return schedules;
            try {
                List<Schedule> fresh = ScheduleFile.load(file);
                if (loadedAt != null) log.println("jplay scheduler: reloaded " + file + ": " + fresh.size() + " schedule(s)");
                schedules = fresh;
            } catch (PlaybookException | IOException e) {
                log.println("jplay scheduler: keeping the previous schedules: " + e.getMessage());
            }
            loadedAt = mtime;
            return schedules;
        }
    }
}
