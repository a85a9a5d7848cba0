package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentJar;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Inventory;
import dev.jplay.reports.EventStream;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunArtifacts;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run as {@code jplay apply}, {@code jplay rollback} and a scheduled rollout do it, wired once: its directory with
 * {@code events.jsonl} written as it goes, the listeners (report collector, JSON events, the console or JSON lines on
 * stdout), the connections to the hosts, and at the end {@code report.json} with its views {@code junit.xml} and
 * {@code report.html}, whose exit code and outcome the run ended with.
 *
 * <pre>
 * try (RunSession session = RunSession.builder(runId, runDir, version).console(System.out, tty, 0).open()) {
 *     RunSession.Ended ended = session.runPlaybook(inventory, playbook, options, become, gate, null);
 *     RunSession.Report report = session.writeReport();
 * }
 * </pre>
 */
public final class RunSession implements AutoCloseable {
    /** How long a Ctrl-C / SIGTERM waits for the report to be written before the JVM exits. */
    private static final int INTERRUPT_GRACE_SECONDS = 30;

    private final Builder settings;
    private final EventStream events;
    private final ReportCollector collector = new ReportCollector();
    private final RunListener listener;
    private final CountDownLatch reportWritten = new CountDownLatch(1);
    private Ran ran;

    /** How a run ended: its exit code, and the located playbook error that ended it early (null: none). */
    public record Ended(int exitCode, String error) {}

    /** The run's report as written: report.json and what it says. */
    public record Report(Path file, RunReport report) {}

    /** What the report needs to know about what ran. */
    private record Ran(String playbook, List<String> inventory, boolean check, int exitOverride, String outcomeOverride) {}

    private RunSession(Builder settings, EventStream events) {
        this.settings = settings;
        this.events = events;
        List<RunListener> listeners = new ArrayList<>();
        // The run's files (report, events) never hold a vault value or a private prompt's answer; the terminal shows
        // what tasks print (a debug of a vaulted var prints it, as in Ansible).
        listeners.add(new SecretValuesMask(collector));
        listeners.add(new SecretValuesMask(new JsonEventPrinter(events)));
        if (settings.console != null) listeners.add(new ConsolePrinter(settings.console, settings.color, settings.verbosity));
        this.listener = RunListener.all(listeners);
    }

    public static Builder builder(String runId, Path runDir, String jplayVersion) {
        return new Builder(runId, runDir, jplayVersion);
    }

    /** What the session sets up: where it writes, how it prints, how it connects. */
    public static final class Builder {
        private final String runId;
        private final Path runDir;
        private final String version;
        private PrintStream console;
        private boolean color;
        private int verbosity;
        private PrintStream jsonOut;
        private PrintStream warnings = System.err;
        private SshSettings ssh = SshSettings.defaults();
        private int forks = 50;
        private boolean interruptOnShutdown;

        private Builder(String runId, Path runDir, String version) {
            this.runId = runId;
            this.runDir = runDir;
            this.version = version;
        }

        /** Human output: tasks, results and the recap on {@code out} ({@code color}: a terminal). */
        public Builder console(PrintStream out, boolean color, int verbosity) {
            this.console = out;
            this.color = color;
            this.verbosity = verbosity;
            return this;
        }

        /** The JSON events on {@code out} too ({@code --json}), one per line. */
        public Builder jsonEvents(PrintStream out) {
            this.jsonOut = out;
            return this;
        }

        /** Where problems that do not fail the run go (junit.xml/report.html not written); default stderr. */
        public Builder warnings(PrintStream out) {
            this.warnings = out;
            return this;
        }

        public Builder ssh(SshSettings ssh) {
            this.ssh = ssh;
            return this;
        }

        /** Hosts connected to and worked on at once. */
        public Builder forks(int forks) {
            this.forks = forks;
            return this;
        }

        /**
         * Ctrl-C / SIGTERM during a playbook run starts nothing new, lets the calls in flight finish, and holds the
         * JVM's exit until the report is written ({@code jplay apply}). A scheduler decides how its rollouts stop.
         */
        public Builder interruptOnShutdown() {
            this.interruptOnShutdown = true;
            return this;
        }

        /** Creates the run directory and starts its events.jsonl. */
        public RunSession open() throws IOException {
            Files.createDirectories(runDir);
            EventStream events = new EventStream();
            OutputStream eventsFile = Files.newOutputStream(runDir.resolve(ReportFiles.EVENTS));
            events.add(eventsFile);
            if (jsonOut != null) events.add(jsonOut);
            return new RunSession(this, events);
        }
    }

    public String runId() {
        return settings.runId;
    }

    public Path runDir() {
        return settings.runDir;
    }

    /** Every listener of the run: collector, events, console. */
    public RunListener listener() {
        return listener;
    }

    /**
     * Runs a playbook: its batches in the run's journal ({@code resumed}: the journal of the run it continues, for
     * {@code --resume}), each let through by {@code gate}. A located playbook problem found while running ends it with
     * exit code 1 ("error").
     */
    public Ended runPlaybook(Inventory inventory, Playbook playbook, RunOptions options, BecomeDefaults become, BatchGate gate,
                             RunJournal.Doc resumed) {
        int exitOverride = -1;
        String outcomeOverride = null;
        String error = null;
        int exit;
        try (Connections connections = connections();
             PlaybookRunner runner = new PlaybookRunner(inventory, connections, options, listener)) {
            runner.setBecomeDefaults(become);
            runner.setBatchGate(gate);
            runner.setJournal(RunJournal.create(settings.runDir, settings.runId,
                    playbook.file().toAbsolutePath().normalize().toString(), resumed));
            Thread hook = settings.interruptOnShutdown ? interruptHook(runner) : null;
            try {
                exit = runner.run(playbook).exitCode();
            } catch (PlaybookException e) {
                exit = exitOverride = ExitCodes.BAD_INPUT;
                outcomeOverride = ExitCodes.outcome(ExitCodes.BAD_INPUT);
                error = e.getMessage();
            } finally {
                if (hook != null) removeHook(hook);
            }
        }
        ran = new Ran(playbook.file().toString(), options.inventorySources(), options.check(), exitOverride, outcomeOverride);
        return new Ended(exit, error);
    }

    /**
     * Rolls containers back ({@code jplay rollback}) as one play of one task, {@code rollback}, on every host of
     * {@code work} at once.
     *
     * @param playbook the playbook of the run rolled back, for the report
     */
    public Ended rollBack(String playbook, String play, List<RollbackCalls.Work> work, List<String> inventory) {
        return rollBack(playbook, play, work, inventory, null);
    }

    /**
     * As {@link #rollBack(String, String, List, List)}, keeping the fleet services the state in {@code services} records
     * in step ({@link RollbackServices}: the instances leave and join them in a play's order) and saving where each
     * instance runs afterwards.
     */
    public Ended rollBack(String playbook, String play, List<RollbackCalls.Work> work, List<String> inventory, Services services) {
        Map<String, HostRecap> recap = new LinkedHashMap<>();
        listener.runStarted(playbook);
        listener.playStarted(play, work.stream().map(w -> w.target().name()).toList());
        listener.taskStarted(play, "rollback", playbook, false);
        try (Connections connections = connections()) {
            RollbackServices kept = services == null ? null : new RollbackServices(services.store(), services.pastResults(),
                    services.targetOf(), services.drainSeconds(), connections, listener, play, playbook);
            List<TaskOutcome> all = new ArrayList<>(new RollbackCalls(connections, false, listener)
                    .run(play, playbook, work, kept == null ? RollbackCalls.Around.NONE : kept));
            if (kept != null) {
                all.addAll(kept.outcomes());
                kept.states().forEach(services.store()::save);
            }
            for (TaskOutcome o : all) recap.merge(o.host(), HostRecap.ZERO.add(o), (a, b) -> a.add(o));
        }
        int exit = ExitCodes.of(recap, false);
        listener.runFinished(recap, exit);
        ran = new Ran(playbook, inventory, false, -1, null);
        return new Ended(exit, null);
    }

    /**
     * The fleet services a rollback keeps in step: the fleet state ({@code store}), the rolled back run's results, how
     * to reach a host (null when the inventory does not list it) and how long a removed backend drains.
     */
    public record Services(dev.jplay.engine.fleet.FleetStateStore store, List<TaskOutcome> pastResults,
                           java.util.function.Function<String, dev.jplay.engine.connection.HostTarget> targetOf, double drainSeconds) {}

    /**
     * Writes report.json, then junit.xml and report.html next to it. Those two are views of it: failing to write them
     * is a warning, not a failed run. Lets an interrupted JVM exit.
     */
    public Report writeReport() throws IOException {
        try {
            Ran r = ran == null ? new Ran(null, List.of(), false, -1, null) : ran;
            RunReport report = collector.report(settings.runId, settings.version, r.playbook(), r.inventory(), r.check(),
                    r.exitOverride(), r.outcomeOverride());
            Path written = ReportFiles.write(settings.runDir, report);
            writeRunArtifacts(report);
            return new Report(written, report);
        } finally {
            reportWritten.countDown();
        }
    }

    /** junit.xml and report.html next to report.json. They are views of it: failing to write them does not fail the run. */
    private void writeRunArtifacts(RunReport report) {
        try {
            RunArtifacts.write(settings.runDir, report);
        } catch (IOException | RuntimeException e) {
            settings.warnings.println("jplay: warning: cannot write junit.xml/report.html in " + settings.runDir + ": " + e);
        }
    }

    private Connections connections() {
        return Connections.builder().ssh(settings.ssh).forks(settings.forks).agentJar(AgentJar.embedded())
                .onRuntimePushed((target, push) -> listener.runtimePushed(target.name(), push)).build();
    }

    /** Ctrl-C / SIGTERM: start nothing new, let the calls in flight finish, and write the report before the JVM exits. */
    private Thread interruptHook(PlaybookRunner runner) {
        Thread hook = new Thread(() -> {
            runner.interrupt();
            try {
                reportWritten.await(INTERRUPT_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jplay-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // JVM is exiting: the hook already ran
        }
    }

    /** Ends events.jsonl (stdout stays open). */
    @Override
    public void close() throws IOException {
        events.close();
    }
}
