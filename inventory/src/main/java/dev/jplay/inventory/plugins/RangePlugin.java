package dev.jplay.inventory.plugins;

import dev.jplay.inventory.HostRange;
import dev.jplay.inventory.InventoryBuilder;
import dev.jplay.inventory.InventoryException;
import dev.jplay.inventory.InventoryPlugin;
import dev.jplay.inventory.InventorySource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code plugin: jplay.range}: fleets written as host ranges and CIDR blocks (see {@link HostRange}).
 * <pre>
 * plugin: jplay.range
 * vars: {ntp: time.example.com}          # vars of group all
 * groups:
 *   web:
 *     hosts: ["web[01:20].example.com", "10.1.0.0/28"]
 *     vars: {http_port: 8080}
 *     children: [canary]                 # optional; listed groups are created if needed
 * </pre>
 * Each host gets {@code range_index}: its 0-based position within the pattern that produced it (useful for
 * sharding), unless the host was already defined.
 */
public final class RangePlugin implements InventoryPlugin {
    @Override
    public String name() {
        return "jplay.range";
    }

    @Override
    public InventorySource open(Path configFile, Map<String, Object> values) {
        PluginConfig config = new PluginConfig(configFile, values, Set.of("groups", "vars"));
        return new InventorySource() {
            @Override
            public String origin() {
                return configFile.toString();
            }

            @Override
            public Optional<Path> varsDirectory() {
                return Optional.ofNullable(configFile.toAbsolutePath().getParent());
            }

            @Override
            public void populate(InventoryBuilder inventory) {
                try {
                    config.map("vars").forEach((k, v) -> inventory.setGroupVariable(InventoryBuilder.ALL, k, v));
                    config.map("groups").forEach((name, body) -> group(config, inventory, name, body));
                } catch (IllegalArgumentException e) {
                    throw config.error(e.getMessage(), e);
                } catch (InventoryException e) {
                    if (e.getMessage().startsWith(configFile.toString())) throw e;
                    throw config.error(e.getMessage(), e);
                }
            }
        };
    }

    private static void group(PluginConfig config, InventoryBuilder inventory, String name, Object body) {
        String where = "group '" + name + "'";
        Map<String, Object> group = config.map(body, where);
        Set<String> unknown = new java.util.TreeSet<>(group.keySet());
        unknown.removeAll(Set.of("hosts", "vars", "children"));
        if (!unknown.isEmpty()) throw config.error(where + " has unknown keys " + unknown + " (known: children, hosts, vars)");
        inventory.addGroup(name);
        for (Object pattern : config.list(group.get("hosts"), where + " hosts")) {
            if (!(pattern instanceof String p)) throw config.error(where + ": a host pattern must be a string, got: " + pattern);
            List<String> names = HostRange.expand(p);
            for (int i = 0; i < names.size(); i++) {
                String host = names.get(i);
                boolean isNew = !inventory.hasHost(host);
                inventory.addHost(host, name, null);
                if (isNew) inventory.setHostVariable(host, "range_index", i);
            }
        }
        config.map(group.get("vars"), where + " vars").forEach((k, v) -> inventory.setGroupVariable(name, k, v));
        for (Object child : config.list(group.get("children"), where + " children")) {
            inventory.addGroup(String.valueOf(child));
            inventory.addChild(name, String.valueOf(child));
        }
    }
}
