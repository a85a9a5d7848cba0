package dev.jplay.engine.run;

import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.playbook.Block;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.playbook.Serial;
import dev.jplay.engine.playbook.Task;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans a play before it runs: its hosts (the play's pattern, within {@code --limit}), its strategy, its vars
 * (vars_files loaded), the magic vars, the replica placement (plays with {@code replicas}) and the {@code serial}
 * batches.
 */
final class PlayPlanner {
    private final Inventory inventory;
    private final RunOptions options;
    private final Templater templater;
    private final PlaybookParser varsLoader = new PlaybookParser(ControllerModules.known());
    private final FleetStateStore fleetState;
    private java.util.function.Function<String, Map<String, Object>> runVars = name -> Map.of();

    PlayPlanner(Inventory inventory, RunOptions options, Templater templater) {
        this.inventory = inventory;
        this.options = options;
        this.templater = templater;
        this.fleetState = new FleetStateStore(options.stateDir());
    }

    /** A play ready to run: its context and its batches. */
    record PlayPlan(PlayContext ctx, List<List<HostRun>> batches, ReplicaLayers replicas) {}

    /** Refuses, before anything runs, what a play's strategy cannot do. */
    void check(Playbook playbook) {
        for (Play play : playbook.plays()) { // before anything runs
            if ("free".equals(strategy(play))) refuseRunOnce(play.tasks(), play.handlers());
        }
    }

    /** The inventory's hosts the play names, within {@code --limit}. */
    List<Host> select(Play play) {
        List<Host> selected = inventory.select(play.hosts());
        if (options.limit() != null) {
            Set<String> allowed = inventory.select(options.limit()).stream().map(Host::name).collect(Collectors.toSet());
            selected = selected.stream().filter(h -> allowed.contains(h.name())).toList();
        }
        return selected;
    }

    PlayPlan plan(Playbook playbook, Play play, List<HostRun> playHosts) {
        Path dir = play.location().file().toAbsolutePath().getParent(); // an imported play's own directory
        Map<String, Object> playVars = playVars(play);
        ReplicaLayers replicas = play.replicas() == null ? null
                : ReplicaLayers.plan(play, playVars, options.extraVars(), playHosts, fleetState, templater);
        if (replicas != null) play = replicas.withRoutes(play); // host-gw routes of a per-host pool, first on every host
        PlayContext ctx = new PlayContext(play, playVars, options.extraVars(), magicVars(dir), dir, replicas, playHosts.size());
        List<List<HostRun>> batches = SerialBatches.split(playHosts, renderedSerial(play, playVars));
        return new PlayPlan(ctx, batches, replicas);
    }

    /**
     * Keeps the play's replica placement for the next run once the play ran clean on every host; after a play that did
     * not, only its start-first replacements (their containers run, whatever else failed).
     */
    void playEnded(PlayPlan plan, boolean clean) {
        ReplicaLayers replicas = plan.replicas();
        if (replicas == null || options.check()) return;
        FleetState state = replicas.stateToSave(clean, FleetState.Service.of(plan.ctx().play().service()));
        if (state != null) fleetState.save(state);
    }

    /** {@code serial} may be a template ({@code serial: "{{ batch }}"}): rendered with the play's vars and extra vars. */
    private Serial renderedSerial(Play play, Map<String, Object> playVars) {
        Serial serial = play.serial();
        if (serial == null || serial.raw() == null) return serial;
        VariableScope scope = VariableScope.empty()
                .with(VariableScope.Layer.PLAY_VARS, playVars)
                .with(VariableScope.Layer.EXTRA_VARS, options.extraVars());
        return new Serial(templater.render(serial.raw(), scope, serial.location()), serial.location());
    }

    /** {@code --limit}, or null. */
    String limit() {
        return options.limit();
    }

    String strategy(Play play) {
        return options.strategy() != null ? options.strategy() : play.strategy() == null ? "linear" : play.strategy();
    }

    private Map<String, Object> playVars(Play play) {
        return varsLoader.playVars(play, options.extraVars(), templater);
    }

    /** Where {@code hostvars} finds what the run gave each host (facts, set_fact, registered results). */
    void runVarsFrom(java.util.function.Function<String, Map<String, Object>> runVars) {
        this.runVars = runVars;
    }

    private Map<String, Object> magicVars(Path playbookDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> groups = new LinkedHashMap<>();
        inventory.groups().forEach((name, g) -> groups.put(name, inventory.select(name).stream().map(Host::name).toList()));
        m.put("groups", groups);
        m.put("hostvars", new HostVarsView(inventory, runVars));
        m.put("playbook_dir", playbookDir.toString());
        m.put("ansible_check_mode", options.check());
        m.put("jplay_check_mode", options.check());
        return m;
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
}
