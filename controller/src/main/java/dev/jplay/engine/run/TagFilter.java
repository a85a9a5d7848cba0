package dev.jplay.engine.run;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tags as ansible-playbook applies them ({@code always}, {@code never}, {@code all}, {@code tagged}, {@code untagged}):
 * to the tasks a run runs, and to those {@code --list-tasks} lists.
 */
public final class TagFilter {
    private final RunOptions options;

    TagFilter(RunOptions options) {
        this.options = options;
    }

    boolean selectedByTags(TaskScope scope, List<String> taskTags) {
        Set<String> tags = new LinkedHashSet<>(scope.tags());
        tags.addAll(taskTags);
        return selects(tags, options.tags(), options.skipTags());
    }

    /**
     * Whether a task with {@code tags} (its own and those it inherits from its play, blocks, role and imports) runs
     * under {@code --tags wanted} (empty: all) and {@code --skip-tags skip}.
     */
    public static boolean selects(Set<String> tags, Set<String> wanted, Set<String> skip) {
        for (String s : skip) {
            if (tags.contains(s) || (s.equals("tagged") && !tags.isEmpty()) || (s.equals("untagged") && tags.isEmpty())) return false;
        }
        if (wanted.isEmpty() || wanted.contains("all")) return !tags.contains("never") || wanted.stream().anyMatch(tags::contains);
        if (tags.contains("always")) return true;
        if (wanted.contains("tagged") && !tags.isEmpty()) return true;
        if (wanted.contains("untagged") && tags.isEmpty()) return true;
        return wanted.stream().anyMatch(tags::contains);
    }
}
