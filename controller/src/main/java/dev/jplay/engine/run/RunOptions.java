package dev.jplay.engine.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to run a playbook: the options of {@code jplay apply}.
 *
 * @param forks     at most this many hosts work at the same time
 * @param limit     extra host pattern intersected with every play's hosts (null: none)
 * @param tags      run only tasks with one of these tags (empty: all); tag {@code always} always runs
 * @param skipTags  skip tasks with one of these tags
 * @param strategy  overrides every play's strategy when not null ({@code linear} or {@code free})
 * @param taskTimeout the timeout of tasks that set none ({@code --task-timeout}; null: the module's default deadline,
 *                  {@link dev.jplay.protocol.ModuleDeadlines}). The agent ends a task at its deadline; a host that
 *                  does not answer a few seconds later is unreachable.
 */
public record RunOptions(
        boolean check,
        boolean diff,
        int forks,
        String limit,
        Set<String> tags,
        Set<String> skipTags,
        Map<String, Object> extraVars,
        String strategy,
        int verbosity,
        Path runDir,
        List<String> inventorySources,
        Path stateDir,
        FailureBudget failureBudget,
        Duration taskTimeout) {

    public RunOptions {
        if (forks < 1) throw new IllegalArgumentException("forks must be at least 1, got " + forks);
        tags = Set.copyOf(tags);
        skipTags = Set.copyOf(skipTags);
        extraVars = Map.copyOf(extraVars);
        inventorySources = List.copyOf(inventorySources);
        if (stateDir == null) stateDir = DEFAULT_STATE_DIR;
        if (failureBudget == null) failureBudget = FailureBudget.DEFAULT;
        if (taskTimeout != null && (taskTimeout.isNegative() || taskTimeout.isZero())) taskTimeout = null;
    }

    /** Options without a run-level task timeout. */
    public RunOptions(boolean check, boolean diff, int forks, String limit, Set<String> tags, Set<String> skipTags,
                      Map<String, Object> extraVars, String strategy, int verbosity, Path runDir,
                      List<String> inventorySources, Path stateDir, FailureBudget failureBudget) {
        this(check, diff, forks, limit, tags, skipTags, extraVars, strategy, verbosity, runDir, inventorySources,
                stateDir, failureBudget, null);
    }

    /** Where replica placements and address leases are kept between runs. */
    public static final Path DEFAULT_STATE_DIR = Path.of(".jplay", "state");

    public static RunOptions defaults() {
        return new RunOptions(false, false, 50, null, Set.of(), Set.of(), Map.of(), null, 0, null, List.of(), null, null);
    }

    public RunOptions withCheck(boolean c) {
        return new RunOptions(c, diff, forks, limit, tags, skipTags, extraVars, strategy, verbosity, runDir, inventorySources, stateDir, failureBudget, taskTimeout);
    }

    public RunOptions withRunDir(Path dir) {
        return new RunOptions(check, diff, forks, limit, tags, skipTags, extraVars, strategy, verbosity, dir, inventorySources, stateDir, failureBudget, taskTimeout);
    }

    /** Zero or null: tasks without a {@code timeout} have none. */
    public RunOptions withTaskTimeout(Duration timeout) {
        return new RunOptions(check, diff, forks, limit, tags, skipTags, extraVars, strategy, verbosity, runDir, inventorySources, stateDir, failureBudget, timeout);
    }
}
