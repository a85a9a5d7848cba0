package dev.jplay.engine.run;

import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.reports.HostRecap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a playbook over an inventory: plays in order, each over its hosts in {@code serial} batches, tasks by
 * the play's strategy — {@code linear} (each task on every host before the next task) or {@code free} (each
 * host runs through the tasks at its own pace) — then the notified handlers. A host that fails stops for the
 * rest of the play (unless rescued); an unreachable host stops for the rest of the play, and is reconnected
 * before the next play if it had been reached once (see {@link LostHosts}).
 *
 * <p>The parts: {@link PlayPlanner} (hosts, vars, batches), {@link BatchLoop} (journal, gate, rollback, failure
 * budget), {@link LinearStrategy} and {@link FreeStrategy}, {@link BlockRunner} (tasks, blocks, rescue, always),
 * {@link HandlerRunner}, {@link TaskFanOut} (a task on many hosts, run_once) and {@link TaskExecutor} (a task on one).
 */
public final class PlaybookRunner implements AutoCloseable {
    private final RunListener listener;
    private final Templater templater = new Templater();
    private final Expressions expressions = templater.expressions();
    private final TaskExecutor executor;
    private final Forks forks;
    private final RunHosts hosts;
    private final PlayPlanner planner;
    private final LostHosts lostHosts;
    private final BatchLoop batches;
    private final PlayStrategy linear;
    private final PlayStrategy free;
    private final StopSignal stop = new StopSignal();
    private final ServiceTracker services = new ServiceTracker();

    public PlaybookRunner(Inventory inventory, Connections connections, RunOptions options, RunListener listener) {
        RollbackPlanner rollbacks = new RollbackPlanner(connections, options, listener);
        // the planner learns what each task replaced; the service which hosts were lost, and syncs at each next task
        this.listener = RunListener.all(List.of(services, listener, rollbacks)); // services first: synced before a task is announced
        ControllerModules cm = new ControllerModules(templater, expressions);
        this.executor = new TaskExecutor(templater, expressions, connections, cm, new ExecutionTargets(inventory), options, this.listener);
        this.forks = new Forks(options.forks());
        this.hosts = new RunHosts(inventory);
        this.planner = new PlayPlanner(inventory, options, templater);
        planner.runVarsFrom(name -> {
            HostRun h = hosts.get(name);
            return h == null ? Map.of() : h.facts;
        });
        this.lostHosts = new LostHosts(connections, forks, this.listener);
        TaskFanOut fanOut = new TaskFanOut(executor, forks);
        HandlerRunner handlers = new HandlerRunner(fanOut, this.listener);
        BlockRunner blocks = new BlockRunner(fanOut, new TagFilter(options), stop, this.listener, handlers,
                new IncludeRunner(new PlaybookParser(ControllerModules.known()), executor));
        this.linear = new LinearStrategy(blocks);
        this.free = new FreeStrategy(blocks, forks);
        this.batches = new BatchLoop(hosts, rollbacks, handlers, stop, options, this.listener);
        batches.setPrestager(executor.prestager());
    }

    /** The modules a playbook may name (controller-side and agent-side). */
    public static Set<String> knownModules() {
        return ControllerModules.known();
    }

    /** What a run ended with. */
    public record Outcome(Map<String, HostRecap> recap, int exitCode, boolean interrupted) {}

    public Outcome run(Playbook playbook) {
        planner.check(playbook);
        listener.runStarted(playbook.file().toString());
        boolean interrupted = false;
        try {
            for (int i = 0; i < playbook.plays().size(); i++) {
                if (stop.stopped()) break;
                runPlay(playbook, i, playbook.plays().get(i));
            }
        } catch (RunInterruptedException e) {
            interrupted = true;
        }
        Map<String, HostRecap> recap = hosts.recap();
        int exit = ExitCodes.of(recap, interrupted);
        listener.runFinished(recap, exit);
        return new Outcome(recap, exit, interrupted);
    }

    /** Where batches and their progress are recorded, for {@code --resume}; none by default. */
    public void setJournal(RunJournal journal) {
        batches.setJournal(journal);
    }

    /** Become as the command line asks (--become, --become-user, -K's password); none by default. */
    public void setBecomeDefaults(BecomeDefaults defaults) {
        executor.setBecomeDefaults(defaults);
    }

    /** Consulted before each batch starts (scheduled rollouts: maintenance windows, graceful shutdown). */
    public void setBatchGate(BatchGate gate) {
        batches.setBatchGate(gate);
    }

    /** Ctrl-C: finish the calls in flight, start nothing new. */
    public void interrupt() {
        stop.stop();
    }

    private void runPlay(Playbook playbook, int playIndex, Play play) {
        List<HostRun> runs = new ArrayList<>();
        for (Host h : planner.select(play)) runs.add(hosts.of(h.name()));
        lostHosts.reconnectLost(play, runs);
        List<HostRun> playHosts = new ArrayList<>();
        for (HostRun run : runs) {
            if (!run.unreachable()) playHosts.add(run);
            run.startPlay();
        }
        listener.playStarted(play.displayName(), playHosts.stream().map(h -> h.name).toList());
        if (playHosts.isEmpty()) {
            listener.warning("play '" + play.displayName() + "': no hosts matched '" + play.hosts() + "'"
                    + (planner.limit() != null ? " with --limit " + planner.limit() : ""));
            return;
        }
        PlayPlanner.PlayPlan plan = planner.plan(playbook, play, playHosts);
        ServicePlay service = ServicePlay.of(plan.ctx(), plan.replicas(), executor, playHosts, listener);
        plan.ctx().setService(service);
        services.playing(service);
        try {
            if (service != null) service.start();
            batches.runBatches(playIndex, play, plan.ctx(), plan.batches(), "free".equals(planner.strategy(play)) ? free : linear);
        } finally {
            boolean clean = playHosts.stream().allMatch(HostRun::active) && !stop.stopped();
            services.playing(null);
            planner.playEnded(plan, clean);
        }
    }

    @Override
    public void close() {
        forks.close();
    }

    /** Thrown for a located playbook problem found while running (e.g. an undefined variable in vars_files). */
    public static PlaybookException located(PlaybookException e) {
        return e;
    }
}
