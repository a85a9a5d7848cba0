package dev.jplay.engine.schedule;

import dev.jplay.engine.connection.AgentJar;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.engine.run.ConsolePrinter;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.JsonEventPrinter;
import dev.jplay.engine.run.PlaybookRunner;
import dev.jplay.engine.run.ReportCollector;
import dev.jplay.engine.run.RunJournal;
import dev.jplay.engine.run.RunListener;
import dev.jplay.engine.run.RunOptions;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.reports.EventStream;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A scheduled rollout done in this process the way {@code jplay apply} does it (SSH settings at their
 * defaults: strict host keys, ~/.ssh/known_hosts), with the schedule's batch gate, writing report.json and
 * events.jsonl into the run directory. Unlike apply it installs no shutdown hook: the scheduler decides how
 * a rollout stops (after the current batch).
 */
public final class PlaybookRollout implements RolloutLauncher {
    private final String jplayVersion;
    private final PrintStream console;
    private final int forks;

    public PlaybookRollout(String jplayVersion, PrintStream console, int forks) {
        this.jplayVersion = jplayVersion;
        this.console = console;
        this.forks = forks;
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
            options = new RunOptions(false, false, forks, null, Set.of(), Set.of(), s.extraVars(), null, 0, runDir, s.inventory(), null, null);
        } catch (PlaybookException | InventoryException | IllegalArgumentException e) {
            return new Result(RunRecord.ERROR, 1, null, null, "bad input: " + e.getMessage());
        }
        ReportCollector collector = new ReportCollector();
        EventStream events = new EventStream();
        try (OutputStream eventsFile = Files.newOutputStream(runDir.resolve(ReportFiles.EVENTS))) {
            events.add(eventsFile);
            RunListener listener = RunListener.all(List.of(collector, new JsonEventPrinter(events),
                    new ConsolePrinter(console, false, 0)));
            PlaybookRunner.Outcome outcome;
            int exitOverride = -1;
            String outcomeOverride = null;
            String reason = null;
            try (Connections connections = Connections.builder().ssh(SshSettings.defaults()).forks(forks)
                    .agentJar(AgentJar.embedded()).build();
                 PlaybookRunner runner = new PlaybookRunner(inventory, connections, options, listener)) {
                runner.setBatchGate(request.gate());
                // No terminal to ask: a scheduled run's sudo password comes from the scheduler's environment (or the inventory).
                runner.setBecomeDefaults(new BecomeDefaults(false, null, null, System.getenv(BecomeDefaults.PASSWORD_ENV)));
                // The same journal as apply's: `jplay apply --resume RUN_DIR` continues an interrupted scheduled run.
                runner.setJournal(RunJournal.create(runDir, request.runId(),
                        Path.of(s.playbook()).toAbsolutePath().normalize().toString(), null));
                try {
                    outcome = runner.run(playbook);
                } catch (PlaybookException e) {
                    exitOverride = ExitCodes.BAD_INPUT;
                    outcomeOverride = RunRecord.ERROR;
                    reason = e.getMessage();
                }
            }
            RunReport report = collector.report(request.runId(), jplayVersion, playbook.file().toString(), s.inventory(),
                    false, exitOverride, outcomeOverride);
            Path file = ReportFiles.write(runDir, report);
            return new Result(report.outcome(), report.exitCode(), RunRecord.Counts.of(report.recap()), file, reason);
        }
    }
}
