package dev.jplay.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable, Ansible-compatible inventory: hosts, groups and their variables, read from one or more
 * sources (see {@link #load(List)}), plus the {@code group_vars/} and {@code host_vars/} beside them.
 */
public final class Inventory {
    /** Sorts groups as Ansible merges their variables: shallow first, then by priority, then by name. */
    private static final Comparator<Group> PRECEDENCE =
            Comparator.comparingInt(Group::depth).thenComparingInt(Group::priority).thenComparing(Group::name);

    private final Map<String, Host> hosts;
    private final List<Host> hostList;
    private final Map<String, Group> groups;
    private final List<VarsDirectory.Layer> varsLayers;
    private final List<String> warnings;
    private final Map<String, List<Host>> groupHosts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> mergedVars = new ConcurrentHashMap<>();

    Inventory(Map<String, Host> hosts, Map<String, Group> groups, List<VarsDirectory.Layer> varsLayers, List<String> warnings) {
        this.hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        this.hostList = List.copyOf(hosts.values());
        this.groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        this.varsLayers = List.copyOf(varsLayers);
        this.warnings = List.copyOf(new LinkedHashSet<>(warnings)); // a rebuilt builder repeats its warnings
    }

    /**
     * Reads and merges inventory sources in order, like repeated {@code ansible -i}. A source is a YAML or INI
     * file, a directory of them, an executable inventory script, a YAML plugin configuration
     * ({@code plugin: NAME}), or an inline list such as {@code "host1,host2"} or {@code "localhost,"} (has a
     * comma and is no existing path).
     */
    public static Inventory load(List<String> sources) {
        List<InventorySource> opened = new ArrayList<>();
        for (String source : sources) opened.add(FileSources.open(source));
        return from(opened);
    }

    /** Builds an inventory from sources, applying the {@code group_vars/}/{@code host_vars/} of each. */
    public static Inventory from(List<InventorySource> sources) {
        InventoryBuilder builder = new InventoryBuilder();
        for (InventorySource source : sources) source.populate(builder);
        for (var steps = builder.takeDeferred(); !steps.isEmpty(); steps = builder.takeDeferred()) {
            for (var step : steps) step.accept(builder.build(varsLayers(sources, builder)), builder);
        }
        return builder.build(varsLayers(sources, builder));
    }

    /**
     * This inventory with the {@code group_vars/} and {@code host_vars/} beside a playbook, as ansible-playbook reads
     * them: over those of the inventory sources at each level (playbook {@code group_vars/all} over the inventory's
     * {@code group_vars/all}, and so on), below the inventory's more specific level. The same directory as an
     * inventory source's is read once.
     */
    public Inventory withPlaybookDirectory(Path dir) {
        Path base = dir.toAbsolutePath().normalize();
        for (VarsDirectory.Layer layer : varsLayers) {
            if (layer.baseDir().toAbsolutePath().normalize().equals(base)) return this;
        }
        VarsDirectory.Layer layer = VarsDirectory.load(base, groups.keySet(), hosts.keySet());
        if (layer.groupVars().isEmpty() && layer.hostVars().isEmpty()) return this;
        List<VarsDirectory.Layer> layers = new ArrayList<>(varsLayers);
        layers.add(layer);
        return new Inventory(hosts, groups, layers, warnings);
    }

    private static List<VarsDirectory.Layer> varsLayers(List<InventorySource> sources, InventoryBuilder builder) {
        List<VarsDirectory.Layer> layers = new ArrayList<>();
        for (InventorySource source : sources) {
            Optional<Path> dir = source.varsDirectory();
            if (dir.isPresent()) layers.add(VarsDirectory.load(dir.get(), builder.groupNames(), builder.hostNames()));
        }
        return layers;
    }

    /** All hosts, in the order they were first defined. */
    public List<Host> hosts() {
        return hostList;
    }

    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    /** All groups by name, in the order they were first defined; {@code all} and {@code ungrouped} first. */
    public Map<String, Group> groups() {
        return groups;
    }

    public Optional<Group> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    /** Problems that did not stop loading (e.g. skipped YAML keys), like the warnings Ansible prints. */
    public List<String> warnings() {
        return warnings;
    }

    /** Hosts matching an Ansible host pattern; see {@link HostPattern} (and it for the warnings). */
    public List<Host> select(String pattern) {
        return HostPattern.select(this, pattern).hosts();
    }

    /**
     * The variables of a host, merged with Ansible's precedence (each later layer replaces top-level keys):
     * <ol>
     *   <li>inventory vars of {@code all};
     *   <li>inventory vars of the host's other groups, ancestors included, sorted by depth, then
     *       {@code ansible_group_priority}, then name (deeper groups win);
     *   <li>{@code group_vars/all} files, then {@code group_vars/} files of those groups in the same order
     *       (each source's directory in source order);
     *   <li>the host's inventory vars, then its {@code host_vars/} files.
     * </ol>
     * The implicit localhost (a host named {@code localhost}, {@code 127.0.0.1} or {@code ::1} that the
     * inventory does not define) gets {@code all}'s vars and {@code ansible_connection: local}.
     *
     * @throws InventoryException if the host is unknown
     */
    public Map<String, Object> hostVars(String name) {
        Map<String, Object> cached = mergedVars.get(name);
        if (cached != null) return cached;
        Host host = hosts.get(name);
        if (host == null) {
            if (!HostAddress.isLocalhost(name)) throw new InventoryException("unknown host: " + name);
            host = implicitLocalhost(name);
        }
        Map<String, Object> frozen = merged(host);
        mergedVars.put(name, frozen);
        return frozen;
    }

    /**
     * The variables of any host name: an inventory host's (or the implicit localhost's) {@link #hostVars}, else
     * those a host the inventory does not list would have as a member of {@code all} only, as Ansible gives a
     * {@code delegate_to} target it does not know (its name is then its address).
     */
    public Map<String, Object> varsOfAnyHost(String name) {
        if (hosts.containsKey(name) || HostAddress.isLocalhost(name)) return hostVars(name);
        return merged(new Host(name, Map.of(), List.of(), true));
    }

    private Map<String, Object> merged(Host host) {
        String name = host.name();
        List<Group> sorted = new ArrayList<>(host.groupNames().size());
        for (String g : host.groupNames()) sorted.add(groups.get(g));
        sorted.sort(PRECEDENCE);
        Map<String, Object> vars = new LinkedHashMap<>(groups.get(InventoryBuilder.ALL).vars());
        for (Group g : sorted) vars.putAll(g.vars());
        for (VarsDirectory.Layer layer : varsLayers) vars.putAll(layer.group(InventoryBuilder.ALL));
        for (VarsDirectory.Layer layer : varsLayers) {
            for (Group g : sorted) vars.putAll(layer.group(g.name()));
        }
        vars.putAll(host.vars());
        for (VarsDirectory.Layer layer : varsLayers) vars.putAll(layer.host(name));
        return Collections.unmodifiableMap(vars);
    }

    /**
     * Hosts of a group and of its descendants, in Ansible's order: the group's own hosts, then those of its
     * children, grandchildren and so on, level by level; each host once.
     */
    List<Host> hostsOf(String groupName) {
        return groupHosts.computeIfAbsent(groupName, name -> {
            Group start = groups.get(name);
            if (start == null) return List.of();
            List<Group> ordered = new ArrayList<>();
            Set<String> seenGroups = new HashSet<>();
            ordered.add(start);
            seenGroups.add(start.name());
            for (String c : start.children()) if (seenGroups.add(c)) ordered.add(groups.get(c));
            List<Group> frontier = new ArrayList<>(ordered.subList(1, ordered.size()));
            while (!frontier.isEmpty()) {
                List<Group> next = new ArrayList<>();
                for (Group g : frontier) {
                    for (String c : g.children()) {
                        if (seenGroups.add(c)) {
                            ordered.add(groups.get(c));
                            next.add(groups.get(c));
                        }
                    }
                }
                frontier = next;
            }
            Set<String> seenHosts = new LinkedHashSet<>();
            for (Group g : ordered) seenHosts.addAll(g.hosts());
            List<Host> result = new ArrayList<>(seenHosts.size());
            for (String h : seenHosts) result.add(hosts.get(h));
            return Collections.unmodifiableList(result);
        });
    }

    /** What the {@code group_vars/} (or {@code host_vars/}) files of all sources set for one name. */
    Map<String, Object> varsFromFiles(boolean group, String name) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (VarsDirectory.Layer layer : varsLayers) vars.putAll(group ? layer.group(name) : layer.host(name));
        return vars;
    }

    Host implicitLocalhost(String name) {
        return new Host(name, Map.of("ansible_connection", "local"), List.of(), true);
    }
}
