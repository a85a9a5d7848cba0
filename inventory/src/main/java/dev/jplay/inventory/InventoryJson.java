package dev.jplay.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outputs of {@code ansible-inventory}: {@link #list()} ({@code --list}), {@link #graph()}
 * ({@code --graph}) and {@link #host(String)} ({@code --host NAME}), as 4-space indented JSON with sorted keys.
 */
public final class InventoryJson {
    /** Variables ansible-inventory never shows. */
    private static final Set<String> INTERNAL_VARS = Set.of("ansible_diff_mode", "ansible_config_file", "ansible_facts",
            "ansible_forks", "ansible_inventory_sources", "ansible_limit", "ansible_playbook_python", "ansible_run_tags",
            "ansible_skip_tags", "ansible_verbosity", "ansible_version", "inventory_dir", "inventory_file");

    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("    ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        WRITER = new ObjectMapper().writer(printer);
    }

    private final Inventory inventory;

    public InventoryJson(Inventory inventory) {
        this.inventory = inventory;
    }

    /**
     * Like {@code ansible-inventory --list}: each group reachable from {@code all} with its direct
     * {@code hosts} and {@code children} (empty ones left out; {@code all} lists no hosts), and
     * {@code _meta.hostvars} with every host's merged variables (hosts without variables left out).
     */
    public String list() {
        return list(false);
    }

    /**
     * With {@code export}, like {@code ansible-inventory --list --export}: groups carry their own
     * {@code vars} and {@code _meta.hostvars} only the hosts' own variables, not merged ones.
     */
    public String list(boolean export) {
        Map<String, Object> result = new LinkedHashMap<>();
        formatGroup(inventory.groups().get(InventoryBuilder.ALL), result, new HashSet<>(), export);
        Map<String, Object> hostvars = new LinkedHashMap<>();
        for (Host host : inventory.hostsOf(InventoryBuilder.ALL)) {
            Map<String, Object> vars = export ? exportedHostVars(host) : inventory.hostVars(host.name());
            vars = withoutInternal(vars);
            if (!vars.isEmpty()) hostvars.put(host.name(), vars);
        }
        result.put("_meta", Map.of("hostvars", hostvars));
        return write(result);
    }

    /** Like {@code ansible-inventory --host NAME}: the merged variables of one host. */
    public String host(String name) {
        if (inventory.host(name).isEmpty() && !HostAddress.isLocalhost(name)) {
            throw new InventoryException("You must pass a single valid host to --host parameter: " + name);
        }
        return write(withoutInternal(inventory.hostVars(name)));
    }

    /** Like {@code ansible-inventory --graph}: the group tree from {@code all}, hosts under their groups. */
    public String graph() {
        return graph(InventoryBuilder.ALL);
    }

    /** Like {@code ansible-inventory --graph GROUP}. */
    public String graph(String group) {
        Group start = inventory.groups().get(group);
        if (start == null) throw new InventoryException("Pattern must be valid group name when using --graph: " + group);
        List<String> lines = new ArrayList<>();
        graphGroup(start, 0, lines);
        return String.join("\n", lines);
    }

    private void graphGroup(Group group, int depth, List<String> lines) {
        lines.add(graphName("@" + group.name() + ":", depth));
        for (String child : group.children()) graphGroup(inventory.groups().get(child), depth + 1, lines);
        if (!group.name().equals(InventoryBuilder.ALL)) {
            for (String host : group.hosts()) lines.add(graphName(host, depth + 1));
        }
    }

    private static String graphName(String name, int depth) {
        return depth == 0 ? name : "  |".repeat(depth) + "--" + name;
    }

    private void formatGroup(Group group, Map<String, Object> result, Set<String> seen, boolean export) {
        Map<String, Object> entry = new LinkedHashMap<>();
        result.put(group.name(), entry);
        if (!group.name().equals(InventoryBuilder.ALL) && !group.hosts().isEmpty()) entry.put("hosts", group.hosts());
        if (!group.children().isEmpty()) entry.put("children", group.children());
        for (String child : group.children()) {
            if (seen.add(child)) formatGroup(inventory.groups().get(child), result, seen, export);
        }
        if (export) {
            Map<String, Object> vars = new LinkedHashMap<>(group.vars());
            vars.putAll(inventory.varsFromFiles(true, group.name()));
            if (group.priority() != 1) vars.put("ansible_group_priority", group.priority());
            vars = withoutInternal(vars);
            if (!vars.isEmpty()) entry.put("vars", vars);
        }
        if (entry.isEmpty()) result.remove(group.name());
    }

    /** For --export: the host's own inventory variables plus its host_vars files, no group variables. */
    private Map<String, Object> exportedHostVars(Host host) {
        Map<String, Object> own = new LinkedHashMap<>(host.vars());
        own.putAll(inventory.varsFromFiles(false, host.name()));
        return own;
    }

    private static Map<String, Object> withoutInternal(Map<String, Object> vars) {
        Map<String, Object> copy = new LinkedHashMap<>(vars);
        copy.keySet().removeAll(INTERNAL_VARS);
        return copy;
    }

    private static String write(Object value) {
        try {
            return WRITER.writeValueAsString(Values.forJson(value));
        } catch (JsonProcessingException e) {
            throw new InventoryException("cannot write inventory as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
