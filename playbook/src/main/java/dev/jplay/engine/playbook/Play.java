package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import java.util.List;
import java.util.Map;

/**
 * One play. {@code vars} are plain values (templates inside are rendered lazily, when used). {@code serial} is
 * null when absent. {@code gather_facts} adds a task in front ({@link FactGathering}). {@code replicas} (null when absent) is the raw
 * {@code replicas:} mapping ({@code app}, {@code count}, {@code pool}, {@code max_per_host}); its values may be
 * templates, rendered with the play's vars when the play runs. {@code rollback} says what to undo when a batch
 * fails (see {@link RollbackPolicy}). {@code remoteUser} (null when absent; a template) is the login user for hosts
 * whose inventory names none, unless a task names its own. {@code service} (null when absent) is the play's
 * {@link ServiceSpec}, {@code update} how its changed instances are replaced ({@link UpdatePolicy#DEFAULT} when absent).
 */
public record Play(
        String name,
        String hosts,
        Map<String, Object> vars,
        List<VarsFile> varsFiles,
        List<Task> tasks,
        List<Task> handlers,
        Serial serial,
        String strategy,
        boolean anyErrorsFatal,
        Double maxFailPercentage,
        List<String> tags,
        Map<String, Object> replicas,
        RollbackPolicy rollback,
        String remoteUser,
        Location location,
        Map<String, Location> keyLocations,
        Map<String, Location> keywordLocations,
        ServiceSpec service,
        UpdatePolicy update) {

    /** A play without {@code service} or {@code update}. */
    public Play(String name, String hosts, Map<String, Object> vars, List<VarsFile> varsFiles, List<Task> tasks, List<Task> handlers,
                Serial serial, String strategy, boolean anyErrorsFatal, Double maxFailPercentage, List<String> tags,
                Map<String, Object> replicas, RollbackPolicy rollback, String remoteUser, Location location,
                Map<String, Location> keyLocations, Map<String, Location> keywordLocations) {
        this(name, hosts, vars, varsFiles, tasks, handlers, serial, strategy, anyErrorsFatal, maxFailPercentage, tags, replicas, rollback,
                remoteUser, location, keyLocations, keywordLocations, null, null);
    }

    public Play {
        vars = Frozen.map(vars);
        varsFiles = List.copyOf(varsFiles);
        tasks = List.copyOf(tasks);
        handlers = List.copyOf(handlers);
        tags = List.copyOf(tags);
        replicas = replicas == null ? null : Frozen.map(replicas);
        keyLocations = Map.copyOf(keyLocations);
        keywordLocations = Map.copyOf(keywordLocations);
        rollback = rollback == null ? RollbackPolicy.NONE : rollback;
        update = update == null ? UpdatePolicy.DEFAULT : update;
    }

    /** Where {@code keyword}'s value was written, or the play itself when absent. */
    public Location locationOf(String keyword) {
        return keyLocations.getOrDefault(keyword, location);
    }

    /** Where {@code keyword} itself was written (its key), or the play itself when absent. */
    public Location keywordLocation(String keyword) {
        return keywordLocations.getOrDefault(keyword, location);
    }

    /** This play with other tasks (e.g. one jplay adds in front), everything else as written. */
    public Play withTasks(List<Task> newTasks) {
        return new Play(name, hosts, vars, varsFiles, newTasks, handlers, serial, strategy, anyErrorsFatal, maxFailPercentage,
                tags, replicas, rollback, remoteUser, location, keyLocations, keywordLocations, service, update);
    }

    public String displayName() {
        return name != null ? name : hosts;
    }

    /**
     * This play as {@code import_playbook} brings it in: the import's {@code vars} over the play's, its
     * {@code tags} added to the play's, its {@code when} guarding every task (a block around them).
     */
    public Play imported(Map<String, Object> importVars, List<String> importTags, List<Object> when, Location at) {
        Map<String, Object> v = new java.util.LinkedHashMap<>(vars);
        v.putAll(importVars);
        List<String> t = new java.util.ArrayList<>(tags);
        t.addAll(importTags);
        List<Task> guarded = when.isEmpty() || tasks.isEmpty() ? tasks
                : List.of(new Block(null, tasks, List.of(), List.of(), when, List.of(), Map.of(), false, Map.of(), null,
                        false, null, false, at, Map.of()));
        return new Play(name, hosts, v, varsFiles, guarded, handlers, serial, strategy, anyErrorsFatal, maxFailPercentage,
                t, replicas, rollback, remoteUser, location, keyLocations, keywordLocations, service, update);
    }
}
