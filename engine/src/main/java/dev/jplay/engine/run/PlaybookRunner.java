package dev.jplay.engine.run;

import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.Block;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.playbook.Task;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.reports.HostRecap;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Runs a playbook over an inventory: plays in order, each over its hosts in {@code serial} batches, tasks by
 * the play's strategy — {@code linear} (each task on every host before the next task) or {@code free} (each
 * host runs through the tasks at its own pace) — then the notified handlers. A host that fails stops for the
 * rest of the play (unless rescued); an unreachable host stops for the rest of the play, and is reconnected
 * before the next play if it had been reached once (see {@link #reconnectLost}).
 */
public final class PlaybookRunner implements AutoCloseable {
    private final Inventory inventory;
    private final Connections connections;
    private final RunOptions options;
    private final RunListener listener;
    private final Templater templater = new Templater();
    private final Expressions expressions = new Expressions(templater);
    private final TaskExecutor executor;
    private final ExecutorService workers;
    private final Map<String, HostRun> hosts = new LinkedHashMap<>();
    private final PlaybookParser varsLoader = new PlaybookParser(ControllerModules.known());
    private final FleetStateStore fleetState;
    private final RollbackPlanner rollbacks;
    private volatile boolean stopRun;
    private volatile BatchGate batchGate = BatchGate.OPEN;
    private volatile RunJournal journal = RunJournal.create(null, null, null, null);

    public PlaybookRunner(Inventory inventory, Connections connections, RunOptions options, RunListener listener) {
        this.inventory = inventory;
        this.connections = connections;
        this.options = options;
        this.fleetState = new FleetStateStore(options.stateDir());
        this.rollbacks = new RollbackPlanner(connections, options, listener);
        this.listener = RunListener.all(List.of(listener, rollbacks)); // the planner learns what each task replaced
        ControllerModules cm = new ControllerModules(templater, expressions);
        this.executor = new TaskExecutor(templater, expressions, connections, cm, new ExecutionTargets(inventory), options, this.listener);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(options.forks(), r -> {
            Thread t = new Thread(r, "jplay-fork-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The modules a playbook may name (controller-side and agent-side). */
    public static Set<String> knownModules() {
        return ControllerModules.known();
    }

    /** What a run ended with. */
    public record Outcome(Map<String, HostRecap> recap, int exitCode, boolean interrupted) {}

    public Outcome run(Playbook playbook) {
        for (Play play : playbook.plays()) { // before anything runs
            if ("free".equals(strategy(play))) refuseRunOnce(play.tasks(), play.handlers());
        }
        listener.runStarted(playbook.file().toString());
        boolean interrupted = false;
        try {
            for (int i = 0; i < playbook.plays().size(); i++) {
                if (stopRun) break;
                runPlay(playbook, i, playbook.plays().get(i));
            }
        } catch (RunInterruptedException e) {
            interrupted = true;
        }
        Map<String, HostRecap> recap = new LinkedHashMap<>();
        hosts.forEach((name, h) -> recap.put(name, h.recap()));
        int exit = exitCode(recap, interrupted);
        listener.runFinished(recap, exit);
        return new Outcome(recap, exit, interrupted);
    }

    /** Consulted before each batch starts (scheduled rollouts: maintenance windows, graceful shutdown). */
    /** Where batches and their progress are recorded, for {@code --resume}; none by default. */
    public void setJournal(RunJournal journal) {
        this.journal = journal == null ? RunJournal.create(null, null, null, null) : journal;
    }

    /** Become as the command line asks (--become, --become-user, -K's password); none by default. */
    public void setBecomeDefaults(BecomeDefaults defaults) {
        executor.setBecomeDefaults(defaults);
    }

    public void setBatchGate(BatchGate gate) {
        this.batchGate = gate == null ? BatchGate.OPEN : gate;
    }

    /** Ctrl-C: finish the calls in flight, start nothing new. */
    public void interrupt() {
        stopRun = true;
    }

    static int exitCode(Map<String, HostRecap> recap, boolean interrupted) {
        if (interrupted) return 3;
        int code = 0;
        for (HostRecap r : recap.values()) {
            if (r.failed() > 0) code |= 2;
            if (r.unreachable() > 0) code |= 4;
        }
        return code;
    }

    private void runPlay(Playbook playbook, int playIndex, Play play) {
        List<Host> selected = inventory.select(play.hosts());
        if (options.limit() != null) {
            Set<String> allowed = inventory.select(options.limit()).stream().map(Host::name).collect(Collectors.toSet());
            selected = selected.stream().filter(h -> allowed.contains(h.name())).toList();
        }
        List<HostRun> runs = new ArrayList<>();
        for (Host h : selected) runs.add(hosts.computeIfAbsent(h.name(), name -> newHostRun(name)));
        reconnectLost(play, runs);
        List<HostRun> playHosts = new ArrayList<>();
        for (HostRun run : runs) {
            if (!run.unreachable) playHosts.add(run);
            run.failedInPlay = false;
            run.notified.clear();
        }
        listener.playStarted(play.displayName(), playHosts.stream().map(h -> h.name).toList());
        if (playHosts.isEmpty()) {
            listener.warning("play '" + play.displayName() + "': no hosts matched '" + play.hosts() + "'"
                    + (options.limit() != null ? " with --limit " + options.limit() : ""));
            return;
        }
        Path dir = playbook.file().toAbsolutePath().getParent();
        Map<String, Object> playVars = playVars(play);
        ReplicaLayers replicas = play.replicas() == null ? null
                : ReplicaLayers.plan(play, playVars, options.extraVars(), playHosts, fleetState, templater);
        PlayContext ctx = new PlayContext(play, playVars, options.extraVars(), magicVars(dir), dir, replicas, playHosts.size());
        List<List<HostRun>> batches = SerialBatches.split(playHosts, renderedSerial(play, playVars));
        try {
            runBatches(playIndex, play, ctx, batches);
        } finally {
            boolean clean = playHosts.stream().allMatch(HostRun::active) && !stopRun;
            if (replicas != null && clean && !options.check()) fleetState.save(replicas.plan().next());
        }
    }

    /**
     * A host lost in an earlier play (reached once, then its agent died or stopped answering) gets a reconnect
     * with backoff before this play, and is back in the rollout if it answers. Ansible would leave it out for the
     * rest of the run; a host that was never reached still is (it is retried with {@code --retry-failed}).
     */
    private void reconnectLost(Play play, List<HostRun> runs) {
        List<HostRun> lost = runs.stream().filter(h -> h.unreachable && connections.connectedOnce(h.target)).toList();
        if (lost.isEmpty()) return;
        forEachHost(lost, h -> {
            try {
                connections.reconnect(h.target);
                h.unreachable = false;
                h.unreachableCause = null;
                listener.warning(h.name + ": reconnected, back in the rollout for play '" + play.displayName() + "'");
            } catch (ConnectionException e) {
                listener.warning(h.name + ": still unreachable, left out of play '" + play.displayName() + "': " + e.getMessage());
            }
        });
    }

    private void runBatches(int playIndex, Play play, PlayContext ctx, List<List<HostRun>> computed) {
        String strategy = strategy(play);
        List<RunJournal.BatchEntry> planned = journal.batches(playIndex, play.displayName(),
                computed.stream().map(b -> b.stream().map(h -> h.name).toList()).toList());
        for (int i = 0; i < planned.size(); i++) {
            if (stopRun) throw new RunInterruptedException();
            int batchNo = i + 1;
            RunJournal.BatchEntry entry = planned.get(i);
            List<HostRun> batch = entry.hosts().stream().map(hosts::get).toList();
            if (RunJournal.DONE.equals(entry.status())) {
                listener.warning("play '" + play.displayName() + "': batch " + batchNo + " (" + String.join(", ", entry.hosts())
                        + ") completed in the resumed run: skipped");
                continue;
            }
            java.util.Optional<String> refused = batchGate.refusal(play.displayName(), batchNo, planned.size(), entry.hosts());
            if (refused.isPresent()) {
                listener.warning("play '" + play.displayName() + "': batch " + batchNo + " not started: " + refused.get());
                stopRun = true;
                throw new RunInterruptedException();
            }
            if (planned.size() > 1) listener.batchStarted(play.displayName(), batchNo, entry.hosts());
            journal.mark(playIndex, i, RunJournal.RUNNING);
            PlayState state = new PlayState();
            TaskScope scope = TaskScope.root(play.tags());
            try {
                if ("free".equals(strategy)) {
                    forEachHost(batch, h -> runTasks(ctx, List.of(h), play.tasks(), scope, state, false));
                } else {
                    runTasks(ctx, batch, play.tasks(), scope, state, true);
                }
                runHandlers(ctx, batch, state);
            } catch (RunInterruptedException e) {
                journal.mark(playIndex, i, RunJournal.INTERRUPTED);
                throw e;
            }
            long failed = batch.stream().filter(h -> h.failedInPlay || h.unreachable).count();
            journal.mark(playIndex, i, failed == 0 ? RunJournal.DONE : RunJournal.FAILED);
            if (failed > 0 && rollbacks.afterFailedBatch(ctx, batchNo, batch, hosts)) { // play keyword rollback
                listener.warning("play '" + play.displayName() + "': rolled back after batch " + batchNo + " (rollback: all): stopping");
                stopRun = true;
                return;
            }
            if (play.maxFailPercentage() != null && failed * 100.0 / batch.size() > play.maxFailPercentage()) {
                listener.warning("play '" + play.displayName() + "': " + failed + " of " + batch.size()
                        + " hosts failed in batch " + batchNo + ", over max_fail_percentage " + play.maxFailPercentage() + ": stopping");
                stopRun = true;
                return;
            }
            if (state.aborted) {
                stopRun = true;
                return;
            }
            String overBudget = failureBudgetExceeded(ctx);
            if (overBudget != null) {
                listener.warning("play '" + play.displayName() + "': " + overBudget + ": stopping the rollout after batch " + batchNo);
                stopRun = true;
                return;
            }
        }
    }

    /**
     * The run's failure budget: failed or unreachable hosts are quarantined (they get no more tasks) and the
     * rollout goes on while their number stays within the budget ({@code --max-failures}: a count or a
     * percentage of the play's hosts; default 10%, at least one host). Null while within budget.
     */
    private String failureBudgetExceeded(PlayContext ctx) {
        long failed = hosts.values().stream().filter(h -> h.failedInPlay || h.unreachable).count();
        int total = ctx.hostCount();
        long allowed = options.failureBudget().allowed(total);
        if (failed <= allowed) return null;
        return failed + " of " + total + " hosts failed or unreachable, over the failure budget of " + allowed
                + " (" + options.failureBudget() + ")";
    }

    /** {@code serial} may be a template ({@code serial: "{{ batch }}"}): rendered with the play's vars and extra vars. */
    private dev.jplay.engine.playbook.Serial renderedSerial(Play play, Map<String, Object> playVars) {
        dev.jplay.engine.playbook.Serial serial = play.serial();
        if (serial == null || serial.raw() == null) return serial;
        dev.jplay.engine.vars.VariableScope scope = dev.jplay.engine.vars.VariableScope.empty()
                .with(dev.jplay.engine.vars.VariableScope.Layer.PLAY_VARS, playVars)
                .with(dev.jplay.engine.vars.VariableScope.Layer.EXTRA_VARS, options.extraVars());
        return new dev.jplay.engine.playbook.Serial(templater.render(serial.raw(), scope, serial.location()), serial.location());
    }

    private String strategy(Play play) {
        return options.strategy() != null ? options.strategy() : play.strategy() == null ? "linear" : play.strategy();
    }

    /** Play-wide switches shared by the hosts of one batch. */
    private static final class PlayState {
        volatile boolean aborted; // any_errors_fatal tripped
    }

    private HostRun newHostRun(String name) {
        Map<String, Object> vars = inventory.hostVars(name);
        HostTarget target = HostTargets.of(name, vars);
        List<String> groupNames = inventory.host(name).map(Host::groupNames).orElse(List.of());
        return new HostRun(name, vars, target, groupNames);
    }

    private Map<String, Object> playVars(Play play) {
        return varsLoader.playVars(play, options.extraVars(), templater);
    }

    private Map<String, Object> magicVars(Path playbookDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> groups = new LinkedHashMap<>();
        inventory.groups().forEach((name, g) -> groups.put(name, inventory.select(name).stream().map(Host::name).toList()));
        m.put("groups", groups);
        m.put("hostvars", new HostVarsView(inventory));
        m.put("playbook_dir", playbookDir.toString());
        m.put("ansible_check_mode", options.check());
        m.put("jplay_check_mode", options.check());
        return m;
    }

    /** {@code hostvars[name]}: computed on access, so 10,000 hosts cost nothing until used. */
    private static final class HostVarsView extends AbstractMap<String, Object> {
        private final Inventory inventory;

        HostVarsView(Inventory inventory) {
            this.inventory = inventory;
        }

        @Override
        public Object get(Object key) {
            return key instanceof String s && inventory.host(s).isPresent() ? inventory.hostVars(s) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String s && inventory.host(s).isPresent();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Set<Entry<String, Object>> s = new LinkedHashSet<>();
            for (Host h : inventory.hosts()) s.add(new SimpleImmutableEntry<>(h.name(), inventory.hostVars(h.name())));
            return s;
        }
    }

    private void runTasks(PlayContext ctx, List<HostRun> batch, List<Task> tasks, TaskScope scope, PlayState state, boolean announce) {
        for (Task task : tasks) {
            if (stopRun) throw new RunInterruptedException();
            if (state.aborted) return;
            List<HostRun> live = batch.stream().filter(HostRun::active).toList();
            if (live.isEmpty()) return;
            if (task instanceof Block b) {
                runBlock(ctx, live, b, scope, state, announce);
            } else if (task instanceof ModuleTask t) {
                if (!selectedByTags(scope, t.tags())) continue;
                if (announce) listener.taskStarted(ctx.name(), t.displayName(), t.location().toString(), false);
                int failures = runOnHosts(ctx, live, t, scope);
                if (failures > 0 && ctx.play().anyErrorsFatal()) {
                    listener.warning("any_errors_fatal: '" + t.displayName() + "' failed: ending the play for every host");
                    state.aborted = true;
                    return;
                }
            }
        }
    }

    private void runBlock(PlayContext ctx, List<HostRun> live, Block b, TaskScope scope, PlayState state, boolean announce) {
        TaskScope inner = scope.enter(b.when(), b.tags(), b.vars(), b.environment(), b.ignoreErrors());
        runTasks(ctx, live, b.block(), inner, state, announce);
        List<HostRun> failed = live.stream().filter(h -> h.failedInPlay && !h.unreachable).toList();
        if (!b.rescue().isEmpty() && !failed.isEmpty()) {
            for (HostRun h : failed) {
                h.failedInPlay = false;
                h.countRescue();
                h.facts.put("ansible_failed_task", Map.of("name", b.name() == null ? "" : b.name()));
            }
            runTasks(ctx, failed, b.rescue(), inner, state, announce);
        }
        if (!b.always().isEmpty()) {
            List<HostRun> reachable = live.stream().filter(h -> !h.unreachable).toList();
            Set<HostRun> wasFailed = new HashSet<>();
            for (HostRun h : reachable) {
                if (h.failedInPlay) wasFailed.add(h);
                h.failedInPlay = false;
            }
            runTasks(ctx, reachable, b.always(), inner, state, announce);
            for (HostRun h : wasFailed) h.failedInPlay = true;
        }
    }

    private void runHandlers(PlayContext ctx, List<HostRun> batch, PlayState state) {
        for (Task handler : ctx.play().handlers()) {
            if (!(handler instanceof ModuleTask t)) continue;
            List<HostRun> notified = batch.stream().filter(HostRun::active)
                    .filter(h -> (t.name() != null && h.notified.contains(t.name())) || t.listen().stream().anyMatch(h.notified::contains))
                    .toList();
            if (notified.isEmpty()) continue;
            listener.taskStarted(ctx.name(), t.displayName(), t.location().toString(), true);
            runOnHosts(ctx, notified, t, TaskScope.root(List.of()));
        }
        batch.forEach(h -> h.notified.clear());
    }

    /**
     * Runs a task on each host (at once, up to forks), or with {@code run_once} on the first only, its result
     * applying to all of them; a run_once failure fails them all, as in Ansible. Returns how many hosts failed.
     */
    private int runOnHosts(PlayContext ctx, List<HostRun> hosts, ModuleTask t, TaskScope scope) {
        AtomicInteger failures = new AtomicInteger();
        if (t.runOnce()) {
            HostRun first = hosts.get(0);
            List<HostRun> rest = hosts.subList(1, hosts.size());
            TaskExecutor.Verdict v = executor.run(ctx, first, t, scope, rest);
            if (v == TaskExecutor.Verdict.OK) return 0;
            if (v == TaskExecutor.Verdict.FAILED) first.failedInPlay = true;
            for (HostRun h : rest) {
                executor.failedWithRunOnce(ctx, h, t, first.name, v);
                h.failedInPlay = true;
            }
            return hosts.size();
        }
        forEachHost(hosts, h -> {
            TaskExecutor.Verdict v = executor.run(ctx, h, t, scope);
            if (v == TaskExecutor.Verdict.FAILED) {
                h.failedInPlay = true;
                failures.incrementAndGet();
            }
        });
        return failures.get();
    }

    /**
     * Under the free strategy each host goes through the tasks on its own, so there is no batch-wide "first
     * host" for run_once to pick: refused where it was written rather than run once per host.
     */
    private static void refuseRunOnce(List<Task> tasks, List<Task> handlers) {
        for (List<Task> list : List.of(tasks, handlers)) {
            for (Task task : list) {
                if (task.runOnce()) {
                    throw new PlaybookException(task.locationOf("run_once"), "run_once needs the linear strategy (this play"
                            + " runs with strategy free, where each host runs the tasks on its own)");
                }
                if (task instanceof Block b) refuseRunOnce(b.block(), List.of());
                if (task instanceof Block b) refuseRunOnce(b.rescue(), b.always());
            }
        }
    }

    /** Tags as ansible-playbook applies them ({@code always}, {@code never}, {@code all}, {@code tagged}, {@code untagged}). */
    boolean selectedByTags(TaskScope scope, List<String> taskTags) {
        Set<String> tags = new LinkedHashSet<>(scope.tags());
        tags.addAll(taskTags);
        for (String s : options.skipTags()) {
            if (tags.contains(s) || (s.equals("tagged") && !tags.isEmpty()) || (s.equals("untagged") && tags.isEmpty())) return false;
        }
        Set<String> wanted = options.tags();
        if (wanted.isEmpty() || wanted.contains("all")) return !tags.contains("never") || wanted.stream().anyMatch(tags::contains);
        if (tags.contains("always")) return true;
        if (wanted.contains("tagged") && !tags.isEmpty()) return true;
        if (wanted.contains("untagged") && tags.isEmpty()) return true;
        return wanted.stream().anyMatch(tags::contains);
    }

    private void forEachHost(List<HostRun> batch, java.util.function.Consumer<HostRun> work) {
        if (batch.size() == 1) {
            work.accept(batch.get(0));
            return;
        }
        List<Future<?>> futures = new ArrayList<>(batch.size());
        for (HostRun h : batch) futures.add(workers.submit(() -> work.accept(h)));
        RuntimeException first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re && first == null) first = re;
                else if (e.getCause() instanceof Error err) throw err;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new RunInterruptedException();
            }
        }
        if (first != null) throw first;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    /** Thrown for a located playbook problem found while running (e.g. an undefined variable in vars_files). */
    public static PlaybookException located(PlaybookException e) {
        return e;
    }
}
