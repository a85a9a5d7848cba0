package dev.jplay.cli;

import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.fleet.JplayDir;
import dev.jplay.engine.playbook.UpdatePolicy;
import dev.jplay.engine.schedule.FleetStateLock;
import dev.jplay.engine.schedule.ProcessLock;
import dev.jplay.engine.run.ChangedContainers;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.HostTargets;
import dev.jplay.engine.run.RollbackCalls;
import dev.jplay.engine.run.RunSession;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunLocator;
import dev.jplay.reports.RunReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jplay rollback RUN -i INVENTORY}: puts back, on every host, the containers that run RUN replaced (as listed
 * in its report.json), with {@code container: state=rolled_back}, keeping the fleet services the fleet state records in
 * step (start-first where a container had replaced another beside it). Writes a report of its own.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Roll back the containers a past run replaced, on every host it changed them.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every rollback ok (or nothing to roll back)", "1:bad input (run, inventory)", "2:a rollback failed",
                "4:a host was unreachable (6 = both)", "8:the fleet state is locked by another run"})
public final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "A run id, a run directory, or a report.json.")
    String run;

    @Option(names = {"-i", "--inventory"}, required = true, paramLabel = "SOURCE",
            description = "Inventory that says how to reach the run's hosts (repeatable).")
    List<String> inventory = new ArrayList<>();

    @Option(names = {"-l", "--limit"}, paramLabel = "PATTERN", description = "Only these hosts.")
    String limit;

    @Option(names = "--runs-dir", paramLabel = "DIR", description = "Where runs are kept (default: $JPLAY_STATE_DIR/runs, else"
            + " .jplay/runs beside --playbook, else .jplay/runs in the working directory).")
    Path runsDir;

    @Option(names = {"-p", "--playbook"}, paramLabel = "FILE",
            description = "Find runs kept beside this playbook (.jplay next to it), as jplay apply keeps them.")
    Path playbook;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where this rollback's report goes (default: RUN_ID in the runs directory).")
    Path reportDir;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where replica placements and IP leases are kept, as for apply"
            + " (default: $JPLAY_STATE_DIR/state, else .jplay/state beside --playbook): the fleet services there follow the rollback.")
    Path stateDir;

    @Option(names = "--drain", defaultValue = "0s", paramLabel = "DURATION",
            description = "How long an instance that leaves a fleet service keeps its connections before its container goes (as update.drain; default: ${DEFAULT-VALUE}).")
    String drain;

    @Option(names = "--lock-timeout", defaultValue = "0s", paramLabel = "DURATION",
            description = "How long to wait for another run's lock on the fleet state (default: ${DEFAULT-VALUE}, fail at once naming the holder).")
    String lockTimeout;

    @Mixin
    SshOptions sshOptions;

    @Option(names = {"-v", "--verbose"}, description = "More output (repeatable).")
    boolean[] verbose = new boolean[0];

    @Override
    public Integer call() {
        PrintStream err = System.err;
        RunReport past;
        Inventory inv;
        try {
            if (runsDir == null) runsDir = JplayDir.runsDir(JplayDir.locate(playbook, System.getenv()));
            past = ReportFiles.read(RunLocator.locate(run, runsDir));
            inv = Inventory.load(inventory);
        } catch (IOException | InventoryException e) {
            err.println("jplay: rollback " + run + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        if (past.check()) {
            err.println("jplay: run " + past.runId() + " was a check run: it replaced nothing");
            return ExitCodes.BAD_INPUT;
        }
        SshSettings ssh;
        Double drainFor = UpdatePolicy.drainSeconds(drain);
        java.time.Duration lockWait;
        if (drainFor == null) {
            err.println("jplay: --drain: '" + drain + "' is not " + UpdatePolicy.DRAIN_SYNTAX);
            return ExitCodes.BAD_INPUT;
        }
        try {
            ssh = sshOptions.settings();
            lockWait = StateLocking.parseTimeout(lockTimeout);
        } catch (IllegalArgumentException e) {
            err.println("jplay: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        Map<String, Set<String>> changed = ChangedContainers.of(past.results());
        Set<String> allowed = null;
        if (limit != null) {
            allowed = new HashSet<>();
            for (var h : inv.select(limit)) allowed.add(h.name());
        }
        List<RollbackCalls.Work> work = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : changed.entrySet()) {
            if (allowed != null && !allowed.contains(e.getKey())) continue;
            if (inv.host(e.getKey()).isEmpty()) {
                err.println("jplay: host " + e.getKey() + " of run " + past.runId() + " is not in the inventory: " + inventory);
                return ExitCodes.BAD_INPUT;
            }
            work.add(new RollbackCalls.Work(HostTargets.of(e.getKey(), inv.hostVars(e.getKey())), List.copyOf(e.getValue())));
        }
        if (work.isEmpty()) {
            err.println("jplay: run " + past.runId() + " replaced no container" + (limit != null ? " on " + limit : "") + ": nothing to roll back");
            return ExitCodes.OK;
        }
        String runId = ApplyCommand.newRunId();
        Path runDir = reportDir != null ? reportDir : runsDir.resolve(runId);
        String play = "rollback of " + past.runId();
        int exit = ExitCodes.BAD_INPUT; // stays so when the run directory cannot be made: no host was touched
        // The fleet services follow the rollback as they follow a play, and the state records where the instances run
        // afterwards: held for the whole rollback, as apply holds it.
        Path states = FleetStateStore.locate(stateDir, playbook, System.getenv());
        RunSession.Services services = new RunSession.Services(new FleetStateStore(states), past.results(),
                host -> inv.host(host).isEmpty() ? null : HostTargets.of(host, inv.hostVars(host)), drainFor);
        try (ProcessLock stateLock = StateLocking.lock(states, "rollback", runId, lockWait, err);
             RunSession session = RunSession.builder(runId, runDir, Main.VERSION).ssh(ssh).forks(Math.max(1, work.size()))
                .console(System.out, System.console() != null, verbose.length).open()) {
            exit = session.rollBack(past.playbook(), play, work, inventory, services).exitCode();
            err.println("report: " + session.writeReport().file());
        } catch (FleetStateLock.LockedException e) {
            err.println("jplay: " + e.getMessage());
            return ExitCodes.STATE_LOCKED;
        } catch (IOException e) {
            err.println("jplay: cannot write the rollback report in " + runDir + ": " + e.getMessage());
        }
        return exit;
    }
}
