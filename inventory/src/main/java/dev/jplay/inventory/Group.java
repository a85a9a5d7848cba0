package dev.jplay.inventory;

import java.util.List;
import java.util.Map;

/**
 * A group of the inventory.
 *
 * @param name group name; {@code all} and {@code ungrouped} always exist
 * @param hosts hosts listed directly in this group, in inventory order (not those of child groups)
 * @param children child groups, in the order they were added
 * @param parents parent groups
 * @param vars variables set on the group by inventory sources (without {@code group_vars/} files)
 * @param depth length of the longest path from {@code all}; deeper groups take precedence
 * @param priority {@code ansible_group_priority} (default 1); among groups of equal depth a higher one wins
 */
public record Group(String name, List<String> hosts, List<String> children, List<String> parents,
                    Map<String, Object> vars, int depth, int priority) {
    public Group {
        hosts = List.copyOf(hosts);
        children = List.copyOf(children);
        parents = List.copyOf(parents);
        vars = Values.freezeMap(vars);
    }
}
