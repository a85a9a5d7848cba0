package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import dev.jplay.engine.yaml.YamlSequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Typed reads of keyword values; every wrong type is an error at the value's location naming the keyword. */
final class Fields {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Fields() {}

    static PlaybookException wrongType(String keyword, YamlNode node, String expected) {
        return new PlaybookException(node.location(), keyword + " must be " + expected + ", got " + node.describe()
                + (node instanceof YamlScalar s && s.value() != null ? " (" + s.value() + ")" : ""));
    }

    /** Any non-null scalar as text (names may be numbers); null when the node is absent or null. */
    static String text(String keyword, YamlNode node) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return null;
        if (node instanceof YamlScalar s) return String.valueOf(s.value());
        throw wrongType(keyword, node, "a string");
    }

    static String requiredText(String keyword, YamlNode node, YamlMapping owner) {
        String value = text(keyword, node);
        if (value == null || value.isBlank()) {
            throw new PlaybookException(node == null ? owner.location() : node.location(), keyword + " is required");
        }
        return value;
    }

    static String identifier(String keyword, YamlNode node) {
        String value = text(keyword, node);
        if (value != null && !IDENTIFIER.matcher(value).matches()) {
            throw new PlaybookException(node.location(), keyword + " must be a variable name (letters, digits, _), got '"
                    + value + "'");
        }
        return value;
    }

    static boolean bool(String keyword, YamlNode node, boolean absent) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return absent;
        if (node instanceof YamlScalar s) {
            if (s.value() instanceof Boolean b) return b;
            if (s.value() instanceof String str) {
                switch (str.trim().toLowerCase()) {
                    case "yes", "true", "on": return true;
                    case "no", "false", "off": return false;
                    default: break;
                }
            }
        }
        throw wrongType(keyword, node, "a boolean (true/false, yes/no)");
    }

    /** A plain value read as Ansible reads a boolean argument: true, yes, on, 1 (any case); anything else false. */
    static boolean truthy(Object value) {
        if (value instanceof Boolean b) return b;
        if (value instanceof Number n) return n.intValue() != 0;
        return value != null && Set.of("yes", "true", "on", "1", "y").contains(String.valueOf(value).strip().toLowerCase());
    }

    /** A non-negative integer, or null when absent. */
    static Integer count(String keyword, YamlNode node) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return null;
        if (node instanceof YamlScalar s && s.value() instanceof Integer i && i >= 0) return i;
        throw wrongType(keyword, node, "a non-negative integer");
    }

    /** when / failed_when / changed_when / until: a string or boolean, or a list of them (ANDed). */
    static List<Object> conditions(String keyword, YamlNode node) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return List.of();
        List<Object> out = new ArrayList<>();
        List<YamlNode> items = node instanceof YamlSequence seq ? seq.items() : List.of(node);
        for (YamlNode item : items) {
            if (item instanceof YamlScalar s && (s.value() instanceof String || s.value() instanceof Boolean)) {
                out.add(s.value());
            } else {
                throw wrongType(keyword, item, "a condition (a string or a boolean) or a list of conditions");
            }
        }
        return out;
    }

    /** tags / notify / listen: one string (tags also split on commas, like Ansible) or a list of scalars. */
    static List<String> names(String keyword, YamlNode node, boolean splitCommas) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return List.of();
        List<String> out = new ArrayList<>();
        if (node instanceof YamlScalar s) {
            String value = String.valueOf(s.value());
            if (splitCommas) {
                for (String part : value.split(",")) if (!part.isBlank()) out.add(part.trim());
            } else {
                out.add(value);
            }
            return out;
        }
        if (node instanceof YamlSequence seq) {
            for (YamlNode item : seq.items()) {
                if (!(item instanceof YamlScalar s) || s.isNull()) {
                    throw wrongType(keyword, item, "a string");
                }
                out.add(String.valueOf(s.value()));
            }
            return out;
        }
        throw wrongType(keyword, node, "a string or a list of strings");
    }

    static Map<String, Object> map(String keyword, YamlNode node) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return new LinkedHashMap<>();
        if (node instanceof YamlMapping m) return m.toJava();
        throw wrongType(keyword, node, "a mapping");
    }

    static YamlMapping mapping(String keyword, YamlNode node) {
        if (node instanceof YamlMapping m) return m;
        throw wrongType(keyword, node, "a mapping");
    }

    static List<YamlNode> list(String keyword, YamlNode node) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return List.of();
        if (node instanceof YamlSequence seq) return seq.items();
        throw wrongType(keyword, node, "a list");
    }
}
