package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import java.util.List;
import java.util.Map;

/**
 * A task: either a {@link ModuleTask} that runs one module or a {@link Block} grouping tasks with
 * rescue/always. Keywords common to both are here; a block's keywords apply to every task inside it (the strategy
 * combines them: {@code when} ANDs, {@code tags} and {@code vars} accumulate, inner vars win).
 */
public sealed interface Task permits ModuleTask, Block {
    /** The name as written, or null. */
    String name();

    /** Conditions that must all hold (strings are expressions, booleans literal); empty means always. */
    List<Object> when();

    List<String> tags();

    Map<String, Object> vars();

    boolean ignoreErrors();

    Map<String, Object> environment();

    /** Host to run on instead of the current one, or null. */
    String delegateTo();

    boolean noLog();

    Location location();

    /** Location of each keyword's value, by keyword as written. */
    Map<String, Location> keyLocations();

    default Location locationOf(String keyword) {
        return keyLocations().getOrDefault(keyword, location());
    }
}
