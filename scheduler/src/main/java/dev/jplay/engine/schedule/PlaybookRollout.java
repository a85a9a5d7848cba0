package dev.jplay.engine.schedule;

import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.PlaybookRunner;
import dev.jplay.engine.run.RunOptions;
import dev.jplay.engine.run.RunSession;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.reports.RunReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A scheduled rollout done in this process the way {@code jplay apply} does it, in a {@link RunSession} (SSH settings
 * at their defaults: strict host keys, ~/.ssh/known_hosts), with the schedule's batch gate, writing events.jsonl,
 * report.json, junit.xml and report.html into the run directory. Unlike apply it installs no shutdown hook: the
 * scheduler decides how a rollout stops (after the current batch). Like apply it holds the {@link FleetStateLock} of the
 * playbook's fleet state for the whole run, waiting for a manual apply at most {@link #STATE_LOCK_WAIT}.
 */
public final class PlaybookRollout implements RolloutLauncher {
    /** A manual apply holding the fleet state is waited for this long, then the fire is recorded as an error. */
    static final Duration STATE_LOCK_WAIT = Duration.ofMinutes(30);

    private final String jplayVersion;
    private final PrintStream console;
    private final int forks;
    private final Duration stateLockWait;

    public PlaybookRollout(String jplayVersion, PrintStream console, int forks) {
        this(jplayVersion, console, forks, STATE_LOCK_WAIT);
    }

    PlaybookRollout(String jplayVersion, PrintStream console, int forks, Duration stateLockWait) {
        this.jplayVersion = jplayVersion;
        this.console = console;
        this.forks = forks;
        this.stateLockWait = stateLockWait;
    }

    @Override
    public Result launch(Request request) throws Exception {
        Schedule s = request.schedule();
        Path runDir = request.runDir();
        Files.createDirectories(runDir);
        Inventory inventory;
        Playbook playbook;
        RunOptions options;
        try {
            inventory = Inventory.load(s.inventory());
            playbook = new PlaybookParser(PlaybookRunner.knownModules()).parse(Path.of(s.playbook()));
            options = new RunOptions(false, false, forks, null, Set.of(), Set.of(), s.extraVars(), null, 0, runDir, s.inventory(),
                    FleetStateStore.locate(null, Path.of(s.playbook()), System.getenv()), null);
        } catch (PlaybookException | InventoryException | IllegalArgumentException e) {
            return new Result(RunRecord.ERROR, ExitCodes.BAD_INPUT, null, null, "bad input: " + e.getMessage());
        }
        if (!FleetStateLock.guards(playbook)) return run(request, inventory, playbook, options);
        // A stopping scheduler (SIGTERM) must not sit out the 30 minutes: the wait ends within one poll (<= 250 ms).
        Thread me = Thread.currentThread();
        BooleanSupplier giveUp = () -> me.isInterrupted() || request.stopping().getAsBoolean();
        try (ProcessLock stateLock = FleetStateLock.acquire(options.stateDir(),
                FleetStateLock.holder("schedule " + s.name(), request.runId(), Clock.systemUTC()), stateLockWait,
                giveUp, message -> console.println("jplay scheduler: " + s.name() + ": " + message))) {
            return run(request, inventory, playbook, options);
        } catch (FleetStateLock.LockedException e) {
            if (giveUp.getAsBoolean()) {
                return new Result(RunRecord.INTERRUPTED, ExitCodes.INTERRUPTED, null, null,
                        "the scheduler stopped while this run waited for its fleet state: " + e.getMessage());
            }
            return new Result(RunRecord.ERROR, ExitCodes.STATE_LOCKED, null, null, e.getMessage());
        }
    }

    private Result run(Request request, Inventory inventory, Playbook playbook, RunOptions options) throws Exception {
        Path runDir = request.runDir();
        try (RunSession session = RunSession.builder(request.runId(), runDir, jplayVersion).console(console, false, 0)
                .warnings(console).ssh(SshSettings.defaults()).forks(forks).open()) {
            // No terminal to ask: a scheduled run's sudo password comes from the scheduler's environment (or the inventory).
            BecomeDefaults become = new BecomeDefaults(false, null, null, System.getenv(BecomeDefaults.PASSWORD_ENV));
            // The same journal as apply's: `jplay apply --resume RUN_DIR` continues an interrupted scheduled run.
            RunSession.Ended ended = session.runPlaybook(inventory, playbook, options, become, request.gate(), null);
            RunSession.Report written = session.writeReport();
            RunReport report = written.report();
            return new Result(report.outcome(), report.exitCode(), RunRecord.Counts.of(report.recap()), written.file(), ended.error());
        }
    }
}
