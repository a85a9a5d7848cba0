package dev.jplay.engine.run;

import dev.jplay.reports.TaskOutcome;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which containers a run replaced, per host, from its results: {@code container} results that changed, and
 * those that failed after the old container was removed for the new revision (detail {@code recreated}: the
 * health gate, or the new one's mount, network, create or start), the failure being the reason to roll back.
 * A failure before the recreate (pull, args) left the old container in place and is not listed.
 */
public final class ChangedContainers {
    private ChangedContainers() {}

    public static boolean replaced(TaskOutcome o) {
        if (!"container".equals(o.module()) || o.container() == null || o.delegatedTo() != null) return false; // not on o.host()
        if (TaskOutcome.CHANGED.equals(o.status())) return true;
        return TaskOutcome.FAILED.equals(o.status()) && o.error() != null && o.error().detail() != null
                && Boolean.TRUE.equals(o.error().detail().get("recreated"));
    }

    /** Host → container names, in the order the run first changed them. */
    public static Map<String, Set<String>> of(List<TaskOutcome> results) {
        Map<String, Set<String>> changed = new LinkedHashMap<>();
        for (TaskOutcome o : results) {
            if (replaced(o)) changed.computeIfAbsent(o.host(), h -> new LinkedHashSet<>()).add(o.container());
        }
        return changed;
    }
}
