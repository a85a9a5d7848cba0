package dev.jplay.inventory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the JSON of Ansible's dynamic-inventory protocol ({@code SCRIPT --list}) into an {@link InventoryBuilder}:
 * an object of groups ({@code {"hosts": [...], "children": [...], "vars": {...}}}, or a bare host list) and
 * optionally {@code "_meta": {"hostvars": {HOST: {...}}}}. Used by inventory scripts and HTTP sources.
 */
public final class AnsibleListing {
    private final String origin;

    /** {@code origin} starts every error message: the script, or the config file and URL. */
    public AnsibleListing(String origin) {
        this.origin = origin;
    }

    /**
     * Adds the listing's groups, hosts and variables. Without {@code _meta.hostvars}, {@code hostVars} is asked
     * for each host's variables (scripts run {@code --host HOST}; other sources may answer an empty map).
     */
    public void populate(InventoryBuilder inventory, Map<String, Object> listing, Function<String, Map<String, Object>> hostVars) {
        Set<String> hosts = new LinkedHashSet<>();
        Object meta = null;
        try {
            for (Map.Entry<String, Object> e : listing.entrySet()) {
                if (e.getKey().equals("_meta")) {
                    if (e.getValue() instanceof Map<?, ?> m && m.containsKey("hostvars")) meta = m.get("hostvars");
                } else {
                    group(inventory, e.getKey(), e.getValue(), hosts);
                }
            }
        } catch (InventoryException e) {
            if (e.getMessage().startsWith(origin)) throw e;
            throw new InventoryException(origin + ": " + e.getMessage(), e);
        }
        for (String host : hosts) {
            Object vars;
            if (meta == null) {
                vars = hostVars.apply(host);
            } else if (meta instanceof Map<?, ?> m) {
                vars = m.get(host);
                if (vars == null) vars = Map.of();
            } else {
                throw new InventoryException(origin + ": Improperly formatted host information for " + host + ": _meta.hostvars is not an object");
            }
            if (!(vars instanceof Map<?, ?> map)) {
                throw new InventoryException(origin + ": variables of host " + host + " must be a JSON object, got: " + vars);
            }
            map.forEach((k, v) -> inventory.setHostVariable(host, String.valueOf(k), v));
        }
    }

    private void group(InventoryBuilder inventory, String group, Object data, Set<String> hosts) {
        inventory.addGroup(group);
        Map<?, ?> groupData;
        if (!(data instanceof Map<?, ?> m)) {
            groupData = Map.of("hosts", data == null ? List.of() : data);
        } else if (!m.containsKey("hosts") && !m.containsKey("vars") && !m.containsKey("children")) {
            // Ansible reads such an object as the variables of a host named like the group.
            Map<String, Object> simplified = new LinkedHashMap<>();
            simplified.put("hosts", List.of(group));
            simplified.put("vars", m);
            groupData = simplified;
        } else {
            groupData = m;
        }
        if (groupData.containsKey("hosts")) {
            if (!(groupData.get("hosts") instanceof List<?> list)) {
                throw new InventoryException(origin + ": You defined a group '" + group + "' with bad data for the host list: " + data);
            }
            for (Object host : list) {
                if (!(host instanceof String name)) throw new InventoryException(origin + ": host names must be strings, got " + host + " in group " + group);
                hosts.add(name);
                inventory.addHost(name, group, null);
            }
        }
        if (groupData.containsKey("vars")) {
            if (!(groupData.get("vars") instanceof Map<?, ?> vars)) {
                throw new InventoryException(origin + ": You defined a group '" + group + "' with bad data for variables: " + data);
            }
            vars.forEach((k, v) -> inventory.setGroupVariable(group, String.valueOf(k), v));
        }
        if (groupData.get("children") instanceof Iterable<?> children) {
            for (Object child : children) {
                inventory.addGroup(String.valueOf(child));
                inventory.addChild(group, String.valueOf(child));
            }
        }
    }
}
