package dev.jplay.inventory;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML (1.1, like Ansible's PyYAML) safely: standard tags only, duplicate keys rejected, a bounded
 * number of aliases, timestamps kept as strings. Errors name the file and a 1-based line and column.
 * One instance reads one document.
 */
final class SafeYaml {
    private static final int MAX_ALIASES = 50;
    /** Values a document may hold once aliases are expanded (copies and JSON output expand them). */
    static final long MAX_EXPANDED_VALUES = 2_000_000;
    private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

    private final String origin;
    private final ValueConstructor constructor;
    private final Yaml yaml;

    private SafeYaml(String origin) {
        this.origin = origin;
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_CODE_POINTS);
        this.constructor = new ValueConstructor(options);
        DumperOptions dumperOptions = new DumperOptions();
        this.yaml = new Yaml(constructor, new Representer(dumperOptions), dumperOptions, options, new Resolver());
    }

    static SafeYaml forOrigin(String origin) {
        return new SafeYaml(origin);
    }

    /** Reads a file as strict UTF-8, naming it in the error. */
    static String read(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InventoryException(file + ": not valid UTF-8", e);
        } catch (IOException e) {
            throw new InventoryException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The node tree of a single-document text; null for an empty document. */
    Node compose(String text) {
        if (text.startsWith("$ANSIBLE_VAULT")) {
            throw new InventoryException(origin + ": Ansible Vault encrypted files are not supported");
        }
        try {
            return yaml.compose(new StringReader(text));
        } catch (YAMLException e) {
            throw error(e);
        }
    }

    /** The Java value of a node: maps, lists, strings, numbers, booleans, nulls. */
    Object construct(Node node) {
        Object value;
        try {
            value = constructor.construct(node);
        } catch (YAMLException e) {
            throw error(e);
        }
        // Aliases share one Java object, but copying or printing the value expands them: bound that size.
        if (expandedSize(value, new IdentityHashMap<>(), new IdentityHashMap<>()) > MAX_EXPANDED_VALUES) {
            throw at(node, "value expands to more than " + MAX_EXPANDED_VALUES + " elements through aliases");
        }
        return value;
    }

    private long expandedSize(Object value, Map<Object, Long> sizes, Map<Object, Boolean> open) {
        if (!(value instanceof Map || value instanceof List)) return 1;
        Long known = sizes.get(value);
        if (known != null) return known;
        if (open.put(value, Boolean.TRUE) != null) throw new InventoryException(origin + ": recursive YAML alias");
        long size = 1;
        Iterable<?> children = value instanceof Map<?, ?> m ? m.values() : (List<?>) value;
        for (Object child : children) {
            size += expandedSize(child, sizes, open);
            if (size > MAX_EXPANDED_VALUES) break;
        }
        open.remove(value);
        sizes.put(value, size);
        return size;
    }

    /** compose + construct; null for an empty document. */
    Object load(String text) {
        Node node = compose(text);
        return node == null ? null : construct(node);
    }

    /** {@code origin:line:col: message} at the start of {@code node}. */
    InventoryException at(Node node, String message) {
        Mark mark = node.getStartMark();
        return InventoryException.at(origin, mark.getLine() + 1, mark.getColumn() + 1, message);
    }

    String where(Node node) {
        Mark mark = node.getStartMark();
        return origin + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
    }

    String origin() {
        return origin;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    static boolean isString(Node node) {
        return node instanceof ScalarNode && Tag.STR.equals(node.getTag());
    }

    /** A short YAML type name for messages, e.g. "list" or "int". */
    static String kind(Node node) {
        switch (node.getNodeId()) {
            case mapping: return "dict";
            case sequence: return "list";
            default:
                String tag = node.getTag().getValue();
                return tag.startsWith(Tag.PREFIX) ? tag.substring(Tag.PREFIX.length()) : tag;
        }
    }

    private InventoryException error(YAMLException e) {
        if (e instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark mark = m.getProblemMark();
            String problem = m.getProblem();
            if (m.getContext() != null) problem = m.getContext() + ": " + problem;
            return new InventoryException(origin + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": " + problem, e);
        }
        return new InventoryException(origin + ": " + e.getMessage(), e);
    }

    /** SafeConstructor that builds values from composed nodes and keeps timestamps as written. */
    private static final class ValueConstructor extends SafeConstructor {
        ValueConstructor(LoaderOptions options) {
            super(options);
            this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
        }

        Object construct(Node node) {
            return constructObject(node);
        }
    }
}
