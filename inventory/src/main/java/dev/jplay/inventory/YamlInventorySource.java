package dev.jplay.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML (or JSON) inventory, read like Ansible's {@code yaml} plugin:
 * <pre>
 * all:
 *   vars: {ntp: time.example.com}
 *   children:
 *     web:
 *       hosts:
 *         web[01:20].example.com:
 *         web-admin:2222: {ansible_user: admin}
 * </pre>
 * A file with a top-level {@code plugin:} key is a plugin configuration instead (see {@link InventoryPlugin}).
 * Structure problems that Ansible only warns about (unknown keys, groups that are not mappings) are recorded
 * as warnings; the rest is an {@link InventoryException} at {@code file:line:column}.
 */
final class YamlInventorySource extends FileInventorySource {
    private SafeYaml yaml;
    private InventoryBuilder inventory;
    private final Map<Node, Boolean> onPath = new IdentityHashMap<>();

    YamlInventorySource(Path file) {
        super(file);
    }

    @Override
    void populate(InventoryBuilder inventory, String text) {
        this.inventory = inventory;
        this.yaml = SafeYaml.forOrigin(origin());
        Node root = yaml.compose(text);
        if (root == null || SafeYaml.isNull(root)) throw new InventoryException(origin() + ": Parsed empty YAML file");
        if (!(root instanceof MappingNode mapping)) {
            throw yaml.at(root, "YAML inventory has invalid structure, it should be a dictionary, got: " + SafeYaml.kind(root));
        }
        NodeTuple plugin = find(mapping, "plugin");
        if (plugin != null && !SafeYaml.isNull(plugin.getValueNode())) {
            runPlugin(root, plugin.getValueNode());
            return;
        }
        for (NodeTuple entry : entries(mapping)) group(groupName(entry.getKeyNode()), entry.getKeyNode(), entry.getValueNode());
    }

    private void runPlugin(Node root, Node nameNode) {
        @SuppressWarnings("unchecked")
        Map<String, Object> config = Values.stringKeys((Map<Object, Object>) yaml.construct(root));
        String name = String.valueOf(config.get("plugin"));
        List<String> known = new ArrayList<>();
        for (InventoryPlugin p : ServiceLoader.load(InventoryPlugin.class)) {
            if (p.name().equals(name)) {
                p.open(file, config).populate(inventory);
                return;
            }
            known.add(p.name());
        }
        throw yaml.at(nameNode, "unknown inventory plugin '" + name + "' (available: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
    }

    private String group(String name, Node where, Node body) {
        if (!(body instanceof MappingNode) && !SafeYaml.isNull(body)) {
            inventory.warn(yaml.where(body) + ": Skipping '" + name + "' as this is not a valid group definition");
            return name;
        }
        located(where, () -> inventory.addGroup(name));
        if (SafeYaml.isNull(body)) return name;
        MappingNode mapping = (MappingNode) body;
        if (onPath.put(mapping, Boolean.TRUE) != null) throw yaml.at(body, "group " + name + " contains itself (recursive alias)");
        for (NodeTuple section : entries(mapping)) {
            Node key = section.getKeyNode();
            Node value = section.getValueNode();
            String keyName = key instanceof ScalarNode s ? s.getValue() : SafeYaml.kind(key);
            boolean known = keyName.equals("vars") || keyName.equals("children") || keyName.equals("hosts");
            if (known && !(value instanceof MappingNode) && !SafeYaml.isNull(value) && !SafeYaml.isString(value)) {
                throw yaml.at(value, "Invalid \"" + keyName + "\" entry for \"" + name + "\" group, requires a dictionary, found \""
                        + SafeYaml.kind(value) + "\" instead.");
            }
            if (!known) {
                inventory.warn(yaml.where(key) + ": Skipping unexpected key (" + keyName + ") in group (" + name
                        + "), only \"vars\", \"children\" and \"hosts\" are valid");
                continue;
            }
            if (SafeYaml.isNull(value)) continue;
            switch (keyName) {
                case "vars" -> vars(name, value);
                case "children" -> children(name, value);
                default -> hosts(name, value);
            }
        }
        onPath.remove(mapping);
        return name;
    }

    private void vars(String group, Node value) {
        if (value instanceof ScalarNode s) { // "vars: x" means {x: null}, as in Ansible
            located(value, () -> inventory.setGroupVariable(group, s.getValue(), null));
            return;
        }
        Map<?, ?> vars = (Map<?, ?>) yaml.construct(value);
        located(value, () -> vars.forEach((k, v) -> inventory.setGroupVariable(group, String.valueOf(k), v)));
    }

    private void children(String group, Node value) {
        if (value instanceof ScalarNode s) {
            located(value, () -> inventory.addGroup(s.getValue()));
            located(value, () -> inventory.addChild(group, s.getValue()));
            return;
        }
        for (NodeTuple child : entries((MappingNode) value)) {
            String childName = group(groupName(child.getKeyNode()), child.getKeyNode(), child.getValueNode());
            located(child.getKeyNode(), () -> inventory.addChild(group, childName));
        }
    }

    private void hosts(String group, Node value) {
        if (value instanceof ScalarNode s) {
            addHosts(group, s, Map.of());
            return;
        }
        for (NodeTuple host : entries((MappingNode) value)) {
            Node key = host.getKeyNode();
            Node body = host.getValueNode();
            if (!SafeYaml.isString(key)) {
                String shown = key instanceof ScalarNode s ? s.getValue() : SafeYaml.kind(key);
                throw yaml.at(key, "Host pattern " + shown + " must be a string. Enclose integers/floats in quotation marks.");
            }
            Map<?, ?> vars = Map.of();
            if (body instanceof MappingNode) {
                vars = (Map<?, ?>) yaml.construct(body);
            } else if (!SafeYaml.isNull(body)) {
                throw yaml.at(body, "Invalid data from file, expected dictionary and got: " + SafeYaml.kind(body));
            }
            addHosts(group, (ScalarNode) key, vars);
        }
    }

    private void addHosts(String group, ScalarNode key, Map<?, ?> vars) {
        located(key, () -> {
            HostEntry entry = HostEntry.parse(key.getValue());
            for (String host : entry.names()) {
                inventory.addHost(host, group, entry.port());
                vars.forEach((k, v) -> inventory.setHostVariable(host, String.valueOf(k), v));
            }
        });
    }

    private String groupName(Node key) {
        if (!SafeYaml.isString(key)) {
            String shown = key instanceof ScalarNode s ? s.getValue() : SafeYaml.kind(key);
            throw yaml.at(key, "Invalid group name supplied, expected a string but got " + SafeYaml.kind(key) + " for " + shown);
        }
        return ((ScalarNode) key).getValue();
    }

    /** The mapping's entries, rejecting duplicate and merge ({@code <<}) keys, which have no place here. */
    private List<NodeTuple> entries(MappingNode mapping) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : mapping.getValue()) {
            Node key = t.getKeyNode();
            if (Tag.MERGE.equals(key.getTag())) throw yaml.at(key, "merge keys (<<) are not supported in inventory structure");
            if (key instanceof ScalarNode s && !seen.add(s.getValue())) {
                throw yaml.at(key, "found duplicate key " + s.getValue());
            }
        }
        return mapping.getValue();
    }

    private static NodeTuple find(MappingNode mapping, String key) {
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) return t;
        }
        return null;
    }

    /** Runs a builder call, reporting its failure at {@code node}. */
    private void located(Node node, Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            throw yaml.at(node, e.getMessage());
        } catch (InventoryException e) {
            if (e.getMessage().startsWith(origin() + ":")) throw e;
            throw yaml.at(node, e.getMessage());
        }
    }
}
