package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import java.util.List;
import java.util.Map;

/**
 * A task: either a {@link ModuleTask} that runs one module or a {@link Block} grouping tasks with
 * rescue/always. Keywords common to both are here; a block's keywords apply to every task inside it (the strategy
 * combines them: {@code when} ANDs, {@code tags} and {@code vars} accumulate, inner vars win). The keywords that
 * say where and how a task runs ({@code connection}, {@code delegate_to}, {@code run_once}, {@code no_log}) are
 * inherited when the playbook is parsed: a task's value is its own, else its block's, else its play's.
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

    /** Host to run on instead of the current one (may be a template), or null. */
    String delegateTo();

    boolean noLog();

    /** {@code local} or {@code ssh} when the playbook says how to reach the host, else null: the inventory decides. */
    String connection();

    /** Run on the first host of the batch only, its result applying to every host of the batch. */
    boolean runOnce();

    Location location();

    /** Location of each keyword's value, by keyword as written. */
    Map<String, Location> keyLocations();

    default Location locationOf(String keyword) {
        return keyLocations().getOrDefault(keyword, location());
    }
}
