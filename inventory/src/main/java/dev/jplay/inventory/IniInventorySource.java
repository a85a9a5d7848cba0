package dev.jplay.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An INI inventory, parsed like Ansible's {@code ini} plugin:
 * <pre>
 * top1 x=1                      # before any section: ungrouped
 * [web]
 * web[01:03].example.com:2222 user=admin
 * [prod:children]
 * web
 * [prod:vars]
 * env=prod
 * </pre>
 * Values go through Python literal rules ({@link PythonLiteral}); host-line values are shell-split first.
 * A {@code [g:vars]} section needs {@code g} declared somewhere in the file, {@code [g:children]} entries must
 * be declared groups. Errors read {@code file:line:column: message}.
 */
final class IniInventorySource extends FileInventorySource {
    private static final Pattern SECTION = Pattern.compile("^\\[([^:\\]\\s]+)(?::(\\w+))?\\]\\s*(?:#.*)?$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern GROUP_NAME = Pattern.compile("^([^:\\]\\s]+)\\s*(?:#.*)?$");

    /** A section seen before its group was declared; checked at the end of the file. */
    private static final class Pending {
        final int line;
        final int column;
        final String state;
        final List<String> parents = new ArrayList<>();

        Pending(int line, int column, String state) {
            this.line = line;
            this.column = column;
            this.state = state;
        }
    }

    private int lineNumber;
    private int column;

    IniInventorySource(Path file) {
        super(file);
    }

    @Override
    void populate(InventoryBuilder inventory, String text) {
        Map<String, Pending> pending = new LinkedHashMap<>();
        String group = InventoryBuilder.UNGROUPED;
        String state = "hosts";
        lineNumber = 0;
        for (String raw : text.split("\r\n|\r|\n", -1)) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') continue;
            column = raw.indexOf(line.charAt(0)) + 1;
            try {
                Matcher section = SECTION.matcher(line);
                if (section.matches()) {
                    group = section.group(1);
                    state = section.group(2) == null ? "hosts" : section.group(2);
                    if (!state.equals("hosts") && !state.equals("children") && !state.equals("vars")) {
                        throw error("Section [" + group + ":" + state + "] has unknown type: " + state);
                    }
                    if (!inventory.hasGroup(group)) {
                        if (state.equals("vars") && !pending.containsKey(group)) {
                            pending.put(group, new Pending(lineNumber, column, state));
                        }
                        inventory.addGroup(group);
                    }
                    Pending waiting = pending.get(group);
                    if (waiting != null && !state.equals("vars")) {
                        if (waiting.state.equals("children")) addPendingChildren(inventory, group, pending);
                        else pending.remove(group);
                    }
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    throw error("Invalid section entry: '" + line + "'. Please make sure that there are no spaces in the"
                            + " section entry, and that there are no other invalid characters");
                }
                switch (state) {
                    case "hosts" -> hostLine(inventory, group, line);
                    case "vars" -> {
                        int eq = line.indexOf('=');
                        if (eq < 0) throw error("Expected key=value, got: " + line);
                        inventory.setGroupVariable(group, line.substring(0, eq).strip(), PythonLiteral.eval(line.substring(eq + 1).strip()));
                    }
                    default -> { // children
                        Matcher name = GROUP_NAME.matcher(line);
                        if (!name.matches()) throw error("Expected group name, got: " + line);
                        String child = name.group(1);
                        if (inventory.hasGroup(child)) {
                            inventory.addChild(group, child);
                        } else {
                            pending.computeIfAbsent(child, c -> new Pending(lineNumber, column, "children")).parents.add(group);
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            } catch (InventoryException e) {
                if (e.getMessage().startsWith(origin() + ":")) throw e;
                throw error(e.getMessage());
            }
        }
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            String g = e.getKey();
            String message = p.state.equals("vars")
                    ? "Section [" + g + ":vars] not valid for undefined group: " + g
                    : "Section [" + p.parents.get(p.parents.size() - 1) + ":children] includes undefined group: " + g;
            throw InventoryException.at(origin(), p.line, p.column, message);
        }
    }

    private void addPendingChildren(InventoryBuilder inventory, String group, Map<String, Pending> pending) {
        for (String parent : pending.get(group).parents) {
            inventory.addChild(parent, group);
            Pending p = pending.get(parent);
            if (p != null && p.state.equals("children")) addPendingChildren(inventory, parent, pending);
        }
        pending.remove(group);
    }

    private void hostLine(InventoryBuilder inventory, String group, String line) {
        List<PosixShlex.Token> tokens;
        try {
            tokens = PosixShlex.split(line);
        } catch (IllegalArgumentException e) {
            throw error("Error parsing host definition '" + line + "': " + e.getMessage());
        }
        String pattern = tokens.get(0).text();
        HostEntry entry = HostEntry.parse(pattern);
        if (pattern.strip().endsWith(":") && entry.port() == null) {
            throw error("Invalid host pattern '" + pattern + "' supplied, ending in ':' is not allowed, this character is reserved to provide a port.");
        }
        if (entry.names().contains("---")) {
            throw error("Invalid host pattern '" + pattern + "' supplied, '---' is normally a sign this is a YAML file.");
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        for (PosixShlex.Token t : tokens.subList(1, tokens.size())) {
            int eq = t.text().indexOf('=');
            if (eq < 0) {
                column += t.offset();
                throw error("Expected key=value host variable assignment, got: " + t.text());
            }
            vars.put(t.text().substring(0, eq), PythonLiteral.eval(t.text().substring(eq + 1)));
        }
        for (String host : entry.names()) {
            inventory.addHost(host, group, entry.port());
            vars.forEach((k, v) -> inventory.setHostVariable(host, k, v));
        }
    }

    private InventoryException error(String message) {
        return InventoryException.at(origin(), lineNumber, column, message);
    }
}
