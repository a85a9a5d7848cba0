package dev.jplay.cli;

import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.fleet.JplayDir;
import dev.jplay.engine.schedule.FleetStateLock;
import dev.jplay.engine.schedule.ProcessLock;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.playbook.StartAtTask;
import dev.jplay.engine.run.BatchGate;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.PlaybookRunner;
import dev.jplay.engine.run.RunOptions;
import dev.jplay.engine.run.RunSession;
import dev.jplay.engine.vault.VaultException;
import dev.jplay.engine.vault.VaultSecrets;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.reports.HtmlReportWriter;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import dev.jplay.engine.run.FailureBudget;
import dev.jplay.engine.run.RunJournal;
import dev.jplay.reports.RunLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jplay apply PLAYBOOK -i INVENTORY}: runs a playbook, prints a recap, writes report.json. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Run a playbook against an inventory.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every host ok", "1:bad input", "2:a host failed", "3:interrupted",
                "4:a host unreachable (6 = both)", "8:the fleet state is locked by another run", "70:internal error"})
public final class ApplyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook YAML file.")
    Path playbook;

    @Mixin
    TargetOptions targets;

    @Option(names = {"-t", "--tags"}, split = ",", description = "Only run tasks with these tags.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--skip-tags", split = ",", description = "Skip tasks with these tags.")
    List<String> skipTags = new ArrayList<>();

    @Option(names = {"-C", "--check"}, description = "Report what would change; change nothing.")
    boolean check;

    @Option(names = {"-D", "--diff"}, description = "Show what changes in files (with --check: what would change).")
    boolean diff;

    @Option(names = {"-f", "--forks"}, defaultValue = "50", description = "Hosts worked on at once (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--strategy", description = "Override every play's strategy: linear or free.")
    String strategy;

    @Option(names = {"-v", "--verbose"}, description = "More output (repeatable).")
    boolean[] verbose = new boolean[0];

    @Option(names = "--json", description = "Stream JSON events on stdout (one per line) instead of human output.")
    boolean json;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Write report.json and events.jsonl here (default: .jplay/runs/RUN_ID beside the playbook, or $JPLAY_STATE_DIR/runs/RUN_ID).")
    Path reportDir;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where replica placements and IP leases are kept"
            + " (default: $JPLAY_STATE_DIR/state, else .jplay/state beside the playbook).")
    Path stateDir;

    @Option(names = "--lock-timeout", defaultValue = "0s", paramLabel = "DURATION",
            description = "How long to wait for another run's lock on the fleet state (e.g. 30s, 10m; default: ${DEFAULT-VALUE},"
                    + " fail at once naming the holder).")
    String lockTimeout;

    @Mixin
    SshOptions sshOptions;

    @Mixin
    BecomeOptions becomeOptions;

    @Mixin
    VaultOptions vaultOptions;

    @Option(names = "--task-timeout", defaultValue = "0", paramLabel = "SECONDS",
            description = "Timeout of tasks that set no 'timeout' (default: 0 = each module's default deadline, see"
                    + " docs/deadlines.md). A host that does not answer a few seconds after it is unreachable; it is"
                    + " reconnected before the next play.")
    int taskTimeout;

    @Option(names = "--max-failures", paramLabel = "N|N%",
            description = "Failure budget: failed or unreachable hosts are quarantined and the rollout goes on until more than N (or N%% of a play's hosts) failed (default: 10%%, at least 1).")
    String maxFailures;

    @Option(names = "--resume", paramLabel = "RUN",
            description = "Continue an interrupted or failed run (id under .jplay/runs beside the playbook, or its directory) with the same batches, skipping the batches it completed.")
    String resume;

    @Option(names = "--retry-failed", paramLabel = "RUN",
            description = "Run only on the hosts that failed or were unreachable in RUN (id under .jplay/runs beside the playbook, or its directory).")
    String retryFailed;

    @Option(names = "--syntax-check", description = "Check the playbook (with its roles and imports) and exit: 0 when it is valid.")
    boolean syntaxCheck;

    @Option(names = "--list-tasks", description = "List the tasks each play would run (with --tags/--skip-tags: those they select), with their tags, and exit.")
    boolean listTasks;

    @Option(names = "--list-hosts", description = "List the hosts each play would run on, and exit.")
    boolean listHosts;

    @Option(names = "--start-at-task", paramLabel = "NAME", description = "Start at the first task with this name"
            + " (its title such as 'role : name', or its name; wildcards * and ?).")
    String startAtTask;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        RunJournal.Doc resumed = null;
        Inventory inv;
        Playbook pb;
        RunOptions options;
        SshSettings ssh;
        dev.jplay.engine.run.BecomeDefaults become;
        Duration lockWait;
        try {
            if (!Files.isRegularFile(playbook)) {
                err.println("jplay: playbook " + playbook + " not found");
                return ExitCodes.BAD_INPUT;
            }
            VaultSecrets.install(vaultOptions.keyring(System.getenv(), false)); // before any file is read
            List<String> sources = targets.inventorySources();
            inv = Inventory.load(sources).withPlaybookDirectory(playbook.toAbsolutePath().getParent());
            PlaybookParser parser = new PlaybookParser(PlaybookRunner.knownModules());
            Map<String, Object> extra = ExtraVars.parse(targets.extraVars, f -> parser.loadVarsFile(f, dev.jplay.engine.yaml.Location.startOf(f)));
            pb = parser.withPrompter(new TerminalPrompter(extra)).parse(playbook);
            if (startAtTask != null) pb = StartAtTask.apply(pb, startAtTask);
            if (syntaxCheck || listTasks || listHosts) { // as ansible-playbook: print and exit, nothing runs
                if (listTasks) PlaybookListing.tasks(pb, new LinkedHashSet<>(tags), new LinkedHashSet<>(skipTags), System.out);
                if (listHosts) PlaybookListing.hosts(pb, inv, targets.limit, System.out);
                if (syntaxCheck && !listTasks && !listHosts) PlaybookListing.syntaxOk(pb, System.out);
                return ExitCodes.OK;
            }
            if (strategy != null && !Set.of("linear", "free").contains(strategy)) {
                err.println("jplay: --strategy must be linear or free, got '" + strategy + "'");
                return ExitCodes.BAD_INPUT;
            }
            String effectiveLimit = targets.limit;
            if (retryFailed != null) {
                List<String> failedHosts = failedHostsOf(retryFailed, runsDir());
                if (failedHosts.isEmpty()) {
                    err.println("jplay: no host failed in run " + retryFailed + ": nothing to retry");
                    return ExitCodes.OK;
                }
                if (targets.limit != null) {
                    Set<String> allowed = new java.util.HashSet<>();
                    inv.select(targets.limit).forEach(h -> allowed.add(h.name()));
                    failedHosts = failedHosts.stream().filter(allowed::contains).toList();
                }
                String only = String.join(",", failedHosts);
                effectiveLimit = only;
                err.println("jplay: retrying on " + failedHosts.size() + " host(s) that failed in " + retryFailed + ": " + only);
            }
            if (resume != null) {
                try {
                    resumed = RunJournal.read(resume, runsDir());
                } catch (IOException e) {
                    err.println("jplay: --resume " + resume + ": " + e.getMessage());
                    return ExitCodes.BAD_INPUT;
                }
                if (resumed.playbook() != null && !Path.of(resumed.playbook()).toAbsolutePath().normalize()
                        .equals(playbook.toAbsolutePath().normalize())) {
                    err.println("jplay: --resume " + resume + " was a run of " + resumed.playbook() + ", not " + playbook);
                    return ExitCodes.BAD_INPUT;
                }
            }
            options = new RunOptions(check, diff, forks, effectiveLimit, new LinkedHashSet<>(tags), new LinkedHashSet<>(skipTags), extra,
                    strategy, verbose.length, reportDir, sources, FleetStateStore.locate(stateDir, playbook, System.getenv()),
                    maxFailures == null ? null : FailureBudget.parse(maxFailures),
                    taskTimeout > 0 ? Duration.ofSeconds(taskTimeout) : null);
            if (taskTimeout < 0) throw new IllegalArgumentException("--task-timeout must not be negative: " + taskTimeout);
            lockWait = StateLocking.parseTimeout(lockTimeout);
            ssh = sshOptions.settings();
            become = becomeOptions.defaults(System.getenv());
        } catch (IOException e) {
            err.println("jplay: cannot read a password: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (PlaybookException | InventoryException | IllegalArgumentException | VaultException e) {
            err.println("jplay: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        String runId = newRunId();
        if (!FleetStateLock.guards(pb)) return run(runId, inv, pb, options, ssh, become, resumed);
        // Held for the whole run: placements and leases are planned from the state at each play and written after it.
        try (ProcessLock stateLock = StateLocking.lock(options.stateDir(), "apply", runId, lockWait, err)) {
            return run(runId, inv, pb, options, ssh, become, resumed);
        } catch (FleetStateLock.LockedException e) {
            err.println("jplay: " + e.getMessage());
            return ExitCodes.STATE_LOCKED;
        } catch (IOException e) {
            err.println("jplay: cannot lock the fleet state in " + options.stateDir() + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }

    private int run(String runId, Inventory inv, Playbook pb, RunOptions options, SshSettings ssh,
                    dev.jplay.engine.run.BecomeDefaults become, RunJournal.Doc resumed) {
        PrintStream err = System.err;
        Path runDir = reportDir != null ? reportDir : runsDir().resolve(runId);
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            err.println("jplay: cannot create run directory " + runDir + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        ApplyHistoryHook history = ApplyHistoryHook.started(runId, playbook, options, JplayDir.locate(playbook, System.getenv())); // run history (jplay history)
        RunSession.Builder settings = RunSession.builder(runId, runDir, Main.VERSION).ssh(ssh).forks(forks).interruptOnShutdown();
        if (json) settings.jsonEvents(System.out);
        else settings.console(System.out, System.console() != null, verbose.length);
        try (RunSession session = settings.open()) {
            RunSession.Ended ended = session.runPlaybook(inv, pb, options, become, BatchGate.OPEN, resumed);
            if (ended.error() != null) {
                err.println("jplay: " + ended.error());
                history.finished(session.writeReport().file());
                return ExitCodes.BAD_INPUT;
            }
            Path report = session.writeReport().file();
            history.finished(report);
            if (!json) err.println("report: " + report + " (html: " + report.resolveSibling(HtmlReportWriter.FILE) + ")");
            return ended.exitCode();
        } catch (IOException e) {
            err.println("jplay: cannot write run files in " + runDir + ": " + e.getMessage());
            history.failed(ExitCodes.INTERNAL, "cannot write run files in " + runDir + ": " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
    }

    /** This playbook's run directories: {@code .jplay/runs} beside it, or under {@code $JPLAY_STATE_DIR}. */
    private Path runsDir() {
        return JplayDir.runsDir(JplayDir.locate(playbook, System.getenv()));
    }

    /** Hosts with a failed or unreachable result in an earlier run's report. */
    private static List<String> failedHostsOf(String run, Path runsDir) {
        try {
            RunReport r = ReportFiles.read(RunLocator.locate(run, runsDir));
            List<String> hosts = new ArrayList<>();
            r.recap().forEach((h, rc) -> {
                if (rc.failed() > 0 || rc.unreachable() > 0) hosts.add(h);
            });
            return hosts;
        } catch (IOException e) {
            throw new IllegalArgumentException("--retry-failed " + run + ": " + e.getMessage());
        }
    }

    static String newRunId() {
        byte[] b = new byte[3];
        new SecureRandom().nextBytes(b);
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC)) + "-" + HexFormat.of().formatHex(b);
    }
}
