package dev.jplay.inventory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Collects groups, hosts and variables from {@link InventorySource}s, with Ansible's rules: a name added twice
 * is the same group or host, later variables replace earlier ones, and a host's port is taken only where the
 * host is first defined. {@link #build} then applies Ansible's reconciliation: groups without parents become
 * children of {@code all}, hosts without groups go to {@code ungrouped}.
 */
public final class InventoryBuilder {
    public static final String ALL = "all";
    public static final String UNGROUPED = "ungrouped";

    private final Map<String, GroupData> groups = new LinkedHashMap<>();
    private final Map<String, HostData> hosts = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<BiConsumer<Inventory, InventoryBuilder>> deferred = new ArrayList<>();

    private static final class GroupData {
        final String name;
        final Set<String> hosts = new LinkedHashSet<>();
        final Set<GroupData> children = new LinkedHashSet<>();
        final Set<GroupData> parents = new LinkedHashSet<>();
        final Map<String, Object> vars = new LinkedHashMap<>();
        int priority = 1;

        GroupData(String name) {
            this.name = name;
        }
    }

    private static final class HostData {
        final String name;
        final Map<String, Object> vars = new LinkedHashMap<>();
        final Set<String> groups = new LinkedHashSet<>();

        HostData(String name) {
            this.name = name;
        }
    }

    public InventoryBuilder() {
        addGroup(ALL);
        addGroup(UNGROUPED);
        addChild(ALL, UNGROUPED);
    }

    public boolean hasGroup(String name) {
        return groups.containsKey(name);
    }

    public boolean hasHost(String name) {
        return hosts.containsKey(name);
    }

    /** Adds the group unless it exists. */
    public void addGroup(String name) {
        if (name == null || name.isEmpty()) throw new InventoryException("Invalid empty group name");
        groups.computeIfAbsent(name, GroupData::new);
    }

    /**
     * Adds the host unless it exists, and makes it a member of {@code group} (if not null, which must exist).
     * {@code port} becomes {@code ansible_port} of a new host.
     */
    public void addHost(String name, String group, Integer port) {
        if (name == null || name.isEmpty()) throw new InventoryException("Invalid empty host name");
        GroupData g = null;
        if (group != null) {
            g = groups.get(group);
            if (g == null) throw new InventoryException("Could not find group " + group + " in inventory");
        }
        HostData h = hosts.get(name);
        if (h == null) {
            h = new HostData(name);
            hosts.put(name, h);
            if (port != null) h.vars.put("ansible_port", port);
        }
        if (g != null) join(g, h);
    }

    /** Makes {@code child} (a group, or else a host) a member of {@code group}. */
    public void addChild(String group, String child) {
        GroupData parent = groups.get(group);
        if (parent == null) throw new InventoryException(group + " is not a known group");
        GroupData childGroup = groups.get(child);
        if (childGroup != null) {
            if (childGroup == parent) throw new InventoryException("can't add group " + group + " to itself");
            if (parent.children.contains(childGroup)) return;
            if (isAncestorOrSelf(childGroup, parent)) {
                throw new InventoryException("Adding group '" + child + "' as child to '" + group
                        + "' creates a recursive dependency loop.");
            }
            parent.children.add(childGroup);
            childGroup.parents.add(parent);
            return;
        }
        HostData host = hosts.get(child);
        if (host == null) throw new InventoryException(child + " is not a known host nor group");
        join(parent, host);
    }

    public void setGroupVariable(String group, String key, Object value) {
        GroupData g = groups.get(group);
        if (g == null) throw new InventoryException("Could not identify group named " + group);
        if ("ansible_group_priority".equals(key)) {
            g.priority = priority(group, value);
        } else {
            g.vars.put(key, value);
        }
    }

    public void setHostVariable(String host, String key, Object value) {
        HostData h = hosts.get(host);
        if (h == null) throw new InventoryException("Could not identify host named " + host);
        h.vars.put(key, value);
    }

    /**
     * Runs {@code step} once every source has been read, with the inventory built so far (variables of
     * {@code group_vars/} and {@code host_vars/} included) and this builder to add to: how sources that derive
     * groups and variables from other sources' hosts (like {@code jplay.constructed}) see all of them, wherever
     * they are listed. Steps run in the order they were deferred.
     */
    public void afterSources(BiConsumer<Inventory, InventoryBuilder> step) {
        deferred.add(step);
    }

    /** The steps deferred so far, removed from this builder. */
    List<BiConsumer<Inventory, InventoryBuilder>> takeDeferred() {
        List<BiConsumer<Inventory, InventoryBuilder>> steps = List.copyOf(deferred);
        deferred.clear();
        return steps;
    }

    /** Records a problem that does not stop loading, like the warnings Ansible prints. */
    public void warn(String message) {
        warnings.add(message);
    }

    private static int priority(String group, Object value) {
        try {
            if (value instanceof Number n) return n.intValue();
            return Integer.parseInt(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new InventoryException("ansible_group_priority of group " + group + " must be an integer, got: " + value);
        }
    }

    private static void join(GroupData g, HostData h) {
        if (g.hosts.add(h.name)) h.groups.add(g.name);
    }

    private static boolean isAncestorOrSelf(GroupData candidate, GroupData of) {
        List<GroupData> todo = new ArrayList<>(List.of(of));
        Set<GroupData> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            GroupData g = todo.remove(todo.size() - 1);
            if (g == candidate) return true;
            if (seen.add(g)) todo.addAll(g.parents);
        }
        return false;
    }

    /**
     * Reconciles as Ansible does after all sources were read, and freezes the result. May be called again after
     * more additions (see {@link #afterSources}): reconciliation is idempotent.
     */
    Inventory build(List<VarsDirectory.Layer> varsLayers) {
        GroupData all = groups.get(ALL);
        GroupData ungrouped = groups.get(UNGROUPED);
        for (GroupData g : groups.values()) {
            if (g != all && g.parents.isEmpty()) addChild(ALL, g.name);
        }
        for (HostData h : hosts.values()) {
            if (h.groups.contains(UNGROUPED)) {
                if (h.groups.stream().anyMatch(n -> !n.equals(ALL) && !n.equals(UNGROUPED))) {
                    ungrouped.hosts.remove(h.name);
                    h.groups.remove(UNGROUPED);
                }
            } else if (h.groups.isEmpty() || (h.groups.size() == 1 && h.groups.contains(ALL))) {
                join(ungrouped, h);
            }
        }
        for (String name : hosts.keySet()) {
            if (groups.containsKey(name)) warnings.add("Found both group and host with same name: " + name);
        }

        Map<GroupData, Integer> depths = new HashMap<>();
        Map<String, Group> frozenGroups = new LinkedHashMap<>();
        for (GroupData g : groups.values()) {
            frozenGroups.put(g.name, new Group(g.name, new ArrayList<>(g.hosts), names(g.children), names(g.parents),
                    g.vars, depth(g, depths), g.priority));
        }
        Map<GroupData, Set<String>> ancestors = new HashMap<>();
        Map<String, Host> frozenHosts = new LinkedHashMap<>();
        for (HostData h : hosts.values()) {
            Set<String> groupNames = new TreeSet<>();
            for (String direct : h.groups) groupNames.addAll(ancestorsAndSelf(groups.get(direct), ancestors));
            groupNames.remove(ALL);
            frozenHosts.put(h.name, new Host(h.name, h.vars, new ArrayList<>(groupNames), false));
        }
        return new Inventory(frozenHosts, frozenGroups, varsLayers, warnings);
    }

    private static List<String> names(Set<GroupData> groups) {
        List<String> names = new ArrayList<>(groups.size());
        for (GroupData g : groups) names.add(g.name);
        return names;
    }

    private static int depth(GroupData g, Map<GroupData, Integer> memo) {
        Integer known = memo.get(g);
        if (known != null) return known;
        int depth = 0;
        for (GroupData p : g.parents) depth = Math.max(depth, depth(p, memo) + 1);
        memo.put(g, depth);
        return depth;
    }

    private static Set<String> ancestorsAndSelf(GroupData g, Map<GroupData, Set<String>> memo) {
        Set<String> known = memo.get(g);
        if (known != null) return known;
        Set<String> result = new HashSet<>();
        result.add(g.name);
        for (GroupData p : g.parents) result.addAll(ancestorsAndSelf(p, memo));
        memo.put(g, result);
        return result;
    }

    /** Names of all groups and hosts so far, for loading their {@code group_vars/} and {@code host_vars/}. */
    Set<String> groupNames() {
        return groups.keySet();
    }

    Set<String> hostNames() {
        return hosts.keySet();
    }
}
