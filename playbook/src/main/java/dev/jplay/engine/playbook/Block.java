package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import java.util.List;
import java.util.Map;

/**
 * {@code block:} with optional {@code rescue:} (runs when a block task fails) and {@code always:}. Roles and
 * {@code import_tasks} are blocks too: {@code role} (null for a plain block) says which role's variables and
 * directory the tasks inside use.
 */
public record Block(
        String name,
        List<Task> block,
        List<Task> rescue,
        List<Task> always,
        List<Object> when,
        List<String> tags,
        Map<String, Object> vars,
        boolean ignoreErrors,
        Map<String, Object> environment,
        String delegateTo,
        boolean noLog,
        String connection,
        boolean runOnce,
        Location location,
        Map<String, Location> keyLocations,
        RoleContext role) implements Task {

    public Block(String name, List<Task> block, List<Task> rescue, List<Task> always, List<Object> when, List<String> tags,
                 Map<String, Object> vars, boolean ignoreErrors, Map<String, Object> environment, String delegateTo,
                 boolean noLog, String connection, boolean runOnce, Location location, Map<String, Location> keyLocations) {
        this(name, block, rescue, always, when, tags, vars, ignoreErrors, environment, delegateTo, noLog, connection,
                runOnce, location, keyLocations, null);
    }

    public Block {
        block = List.copyOf(block);
        rescue = List.copyOf(rescue);
        always = List.copyOf(always);
        when = List.copyOf(when);
        tags = List.copyOf(tags);
        vars = Frozen.map(vars);
        environment = Frozen.map(environment);
        keyLocations = Map.copyOf(keyLocations);
    }
}
