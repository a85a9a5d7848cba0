package dev.jplay.inventory;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlLoader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The inventory's side of the shared {@link YamlLoader}: YAML 1.1 like Ansible's PyYAML, with the loader's safety
 * (standard tags only, duplicate keys rejected, bounded aliases, expansion and size, timestamps kept as strings)
 * and errors worded for inventories: {@code origin:line:col: problem}, 1-based. One instance reads one document.
 */
final class SafeYaml {
    /** The loader's limits: the stricter of what the inventory and the playbooks had each enforced. */
    private static final YamlLoader LOADER = new YamlLoader();

    private final String origin;
    private final Path file;

    private SafeYaml(String origin) {
        this.origin = origin;
        this.file = Path.of(origin);
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
        try {
            return LOADER.compose(text, file);
        } catch (PlaybookException e) {
            throw error(e);
        }
    }

    /** The Java value of a node: maps, lists, strings, numbers, booleans, nulls. */
    Object construct(Node node) {
        try {
            return LOADER.construct(node, file);
        } catch (PlaybookException e) {
            throw error(e);
        }
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

    /** snakeyaml's own problems as the inventory always worded them ({@code context: problem}); the loader's as it words them. */
    private InventoryException error(PlaybookException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark mark = m.getProblemMark();
            String problem = m.getProblem();
            if (m.getContext() != null) problem = m.getContext() + ": " + problem;
            return new InventoryException(origin + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": " + problem, e);
        }
        if (e.getCause() instanceof YAMLException y && !(y instanceof MarkedYAMLException)) {
            return new InventoryException(origin + ": " + y.getMessage(), e);
        }
        Location at = e.location();
        return new InventoryException(InventoryException.at(origin, at.line(), at.column(), e.problem()).getMessage(), e);
    }
}
