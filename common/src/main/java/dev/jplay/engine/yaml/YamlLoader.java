package dev.jplay.engine.yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.jplay.engine.vault.VaultException;
import dev.jplay.engine.vault.VaultFormat;
import dev.jplay.engine.vault.VaultSecrets;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Loads one YAML document safely into a {@link YamlNode} tree that keeps the location of every key and value.
 *
 * <p>Safety: only the standard tags (str, int, float, bool, null, seq, map) and Ansible's {@code !vault} (a scalar,
 * decrypted with the installed {@link VaultSecrets}) are accepted, so no Java type is ever
 * instantiated; aliases in collections are capped (billion laughs), recursive aliases are rejected, the input size
 * and the number of expanded nodes are bounded, and duplicate keys are errors located at the duplicate.
 *
 * <p>Typing follows YAML 1.1 as Ansible's PyYAML does for <em>values</em>: {@code yes/no/true/false/on/off}
 * (any of the usual casings) are booleans, {@code 0755} is octal 493, {@code ~}/{@code null}/empty are null.
 * Mapping <em>keys</em> always stay strings exactly as written, so {@code on:} is the key "on" and {@code 1:} the
 * key "1". Dates stay strings. Quoting a value ({@code "yes"}, {@code '0755'}) keeps it a string.
 *
 * <p>Readers that walk the YAML structure themselves (the inventory, whose keys are typed as Ansible's PyYAML types
 * them) use {@link #compose} and {@link #construct} instead: the same parser settings, the same limits, the same tags
 * and the same typing, with YAML 1.1 keys.
 */
public final class YamlLoader {
    public static final int DEFAULT_MAX_CODE_POINTS = 3 * 1024 * 1024;
    public static final int DEFAULT_MAX_ALIASES = 50;
    public static final int DEFAULT_MAX_NODES = 500_000;

    private final int maxCodePoints;
    private final int maxAliases;
    private final int maxNodes;

    public YamlLoader() {
        this(DEFAULT_MAX_CODE_POINTS, DEFAULT_MAX_ALIASES, DEFAULT_MAX_NODES);
    }

    public YamlLoader(int maxCodePoints, int maxAliases, int maxNodes) {
        this.maxCodePoints = maxCodePoints;
        this.maxAliases = maxAliases;
        this.maxNodes = maxNodes;
    }

    /**
     * Loads {@code file}. An empty document is a null scalar at 1:1.
     *
     * @throws IOException when the file cannot be read (the caller knows who referenced it)
     * @throws PlaybookException for any YAML problem, located in {@code file}
     */
    public YamlNode load(Path file) throws IOException {
        if (Files.size(file) > 4L * maxCodePoints) { // UTF-8: at most 4 bytes a code point
            throw new PlaybookException(Location.startOf(file), "file is larger than " + maxCodePoints + " characters");
        }
        return load(Files.readString(file, StandardCharsets.UTF_8), file);
    }

    /**
     * Loads YAML text as if it were the content of {@code file}. A vault-encrypted text (ansible-vault's whole-file
     * encryption) is decrypted first with the installed {@link VaultSecrets}, its values remembered as secrets.
     */
    public YamlNode load(String text, Path file) {
        ScalarConstructor constructor = new ScalarConstructor(options(), file);
        Node root = compose(new StringReader(decrypted(text, file)), file, constructor);
        if (root == null) return new YamlScalar(null, Location.startOf(file));
        if (VaultFormat.isVaulted(text)) rememberScalars(root, Collections.newSetFromMap(new IdentityHashMap<>()));
        return new TreeBuilder(file, constructor).build(root);
    }

    /** The text, or its plaintext when it is a vault text. */
    private static String decrypted(String text, Path file) {
        if (!VaultFormat.isVaulted(text)) return text;
        try {
            return VaultSecrets.installed().decrypt(text, String.valueOf(file));
        } catch (VaultException e) {
            throw new PlaybookException(Location.startOf(file), e.getMessage().replace(file + ": ", ""), e);
        }
    }

    /** The values of a vault-encrypted file are secrets: remembered so the run's files can hide them. */
    private static void rememberScalars(Node node, Set<Node> seen) {
        if (!seen.add(node)) return;
        if (node instanceof ScalarNode s) VaultSecrets.installed().remember(s.getValue());
        if (node instanceof SequenceNode seq) for (Node n : seq.getValue()) rememberScalars(n, seen);
        if (node instanceof MappingNode map) for (NodeTuple t : map.getValue()) rememberScalars(t.getValueNode(), seen);
    }

    /**
     * The node graph of YAML text read from {@code file} (aliases are shared nodes), for readers that walk it
     * themselves; null for an empty document. Mark lines and columns are 0-based ({@link #at} makes a Location).
     *
     * @throws PlaybookException for any YAML problem, located in {@code file}; its cause is snakeyaml's exception
     */
    public Node compose(String text, Path file) {
        Node root = compose(new StringReader(decrypted(text, file)), file, new ScalarConstructor(options(), file));
        if (root != null && VaultFormat.isVaulted(text)) rememberScalars(root, Collections.newSetFromMap(new IdentityHashMap<>()));
        return root;
    }

    /**
     * The plain Java value of a composed node (LinkedHashMap, ArrayList, String, Integer, Long, Double, Boolean or
     * null; shared where the YAML shares through aliases). Unlike {@link #load}, mapping keys are typed like values
     * (YAML 1.1: {@code yes:} is the key true, {@code 1:} the key 1), as PyYAML does; merge keys are resolved, a
     * duplicate key is an error, only the standard tags are accepted, and the value may expand (through aliases) to
     * at most the node limit.
     *
     * @throws PlaybookException located at the problem
     */
    public Object construct(Node node, Path file) {
        ScalarConstructor constructor = new ScalarConstructor(options(), file);
        requireStandardTags(node, file, Collections.newSetFromMap(new IdentityHashMap<>()));
        Object value;
        try {
            value = constructor.construct(node);
        } catch (MarkedYAMLException e) {
            throw located(file, e);
        } catch (YAMLException | NumberFormatException e) {
            throw new PlaybookException(at(file, node.getStartMark()), e.getMessage(), e);
        }
        // Aliases share one Java object, but copying or printing the value expands them: bound that size.
        if (expandedSize(value, file, node, new IdentityHashMap<>(), new IdentityHashMap<>()) > maxNodes) {
            throw new PlaybookException(at(file, node.getStartMark()), "value expands to more than " + maxNodes
                    + " elements through aliases");
        }
        return value;
    }

    private LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(maxAliases);
        options.setCodePointLimit(maxCodePoints);
        options.setAllowRecursiveKeys(false);
        options.setAllowDuplicateKeys(false);
        return options;
    }

    private static Node compose(Reader reader, Path file, ScalarConstructor constructor) {
        LoaderOptions options = constructor.options();
        Yaml yaml = new Yaml(constructor, new Representer(new DumperOptions()), new DumperOptions(), options);
        try {
            return yaml.compose(reader);
        } catch (MarkedYAMLException e) {
            throw located(file, e);
        } catch (YAMLException e) {
            // Unmarked: e.g. the code point limit. Reported against the whole file.
            throw new PlaybookException(Location.startOf(file), e.getMessage(), e);
        }
    }

    /** The tags {@link TreeBuilder} accepts, checked on a whole graph before it is constructed. */
    private static void requireStandardTags(Node node, Path file, Set<Node> seen) {
        if (!seen.add(node)) return;
        Tag tag = node.getTag();
        if (node instanceof ScalarNode) {
            if (!STANDARD_SCALAR_TAGS.contains(tag)) throw unsupportedTag(tag, at(file, node.getStartMark()));
        } else if (node instanceof SequenceNode seq) {
            if (!tag.equals(Tag.SEQ)) throw unsupportedTag(tag, at(file, node.getStartMark()));
            for (Node item : seq.getValue()) requireStandardTags(item, file, seen);
        } else {
            if (!tag.equals(Tag.MAP)) throw unsupportedTag(tag, at(file, node.getStartMark()));
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                if (!t.getKeyNode().getTag().equals(Tag.MERGE)) requireStandardTags(t.getKeyNode(), file, seen);
                requireStandardTags(t.getValueNode(), file, seen);
            }
        }
    }

    /** Ansible's tag for an inline vault-encrypted value ({@code ansible-vault encrypt_string}); the one tag beyond YAML's own. */
    public static final Tag VAULT = new Tag("!vault");
    private static final Set<Tag> STANDARD_SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
            Tag.TIMESTAMP, VAULT);

    private static PlaybookException unsupportedTag(Tag tag, Location where) {
        return new PlaybookException(where, "unsupported tag " + tag.getValue()
                + " (only plain strings, numbers, booleans, null, lists and mappings are allowed)");
    }

    private long expandedSize(Object value, Path file, Node node, Map<Object, Long> sizes, Map<Object, Boolean> open) {
        if (!(value instanceof Map || value instanceof List)) return 1;
        Long known = sizes.get(value);
        if (known != null) return known;
        if (open.put(value, Boolean.TRUE) != null) {
            throw new PlaybookException(at(file, node.getStartMark()), "recursive alias: a value contains itself");
        }
        long size = 1;
        Iterable<?> children = value instanceof Map<?, ?> m ? m.values() : (List<?>) value;
        for (Object child : children) {
            size += expandedSize(child, file, node, sizes, open);
            if (size > maxNodes) break;
        }
        open.remove(value);
        sizes.put(value, size);
        return size;
    }

    private static PlaybookException located(Path file, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        Location where = mark == null ? Location.startOf(file) : at(file, mark);
        StringBuilder problem = new StringBuilder(e.getProblem() == null ? "invalid YAML" : e.getProblem());
        if (e.getContext() != null) {
            problem.append(" (").append(e.getContext());
            if (e.getContextMark() != null) {
                Location context = at(file, e.getContextMark());
                problem.append(" at ").append(context.line()).append(':').append(context.column());
            }
            problem.append(')');
        }
        return new PlaybookException(where, problem.toString(), e);
    }

    /** A {@code !vault |} value: its plaintext (a string, as Ansible gives it), remembered as a secret. */
    private static String vaultValue(ScalarNode node, Location where) {
        try {
            String plain = VaultSecrets.installed().decrypt(node.getValue(), "vaulted value at " + where);
            VaultSecrets.installed().remember(plain);
            return plain;
        } catch (VaultException e) {
            throw new PlaybookException(where, e.getMessage().replace("vaulted value at " + where + ": ", "!vault value: "), e);
        }
    }

    /** The 1-based location of a snakeyaml mark (0-based). */
    public static Location at(Path file, Mark mark) {
        return new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /**
     * SafeConstructor's typing (YAML 1.1 ints, floats, booleans, nulls), node by node or for a whole graph, with
     * timestamps kept as written.
     */
    private static final class ScalarConstructor extends SafeConstructor {
        private final LoaderOptions options;

        ScalarConstructor(LoaderOptions options, Path file) {
            super(options);
            this.options = options;
            // Yaml's constructor copies this from the options; construct() runs without a Yaml.
            setAllowDuplicateKeys(options.isAllowDuplicateKeys());
            this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
            this.yamlConstructors.put(VAULT, new org.yaml.snakeyaml.constructor.AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return vaultValue((ScalarNode) node, at(file, node.getStartMark()));
                }
            });
        }

        LoaderOptions options() {
            return options;
        }

        Object scalar(ScalarNode node) {
            return constructObject(node);
        }

        Object construct(Node node) {
            return constructObject(node);
        }
    }

    /** Converts snakeyaml's node graph (aliases are shared nodes) into an immutable located tree. */
    private final class TreeBuilder {
        private final Path file;
        private final ScalarConstructor constructor;
        private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
        private int nodes;

        TreeBuilder(Path file, ScalarConstructor constructor) {
            this.file = file;
            this.constructor = constructor;
        }

        YamlNode build(Node node) {
            Location where = at(file, node.getStartMark());
            if (++nodes > maxNodes) {
                throw new PlaybookException(where, "document expands to more than " + maxNodes
                        + " values (aliases nested too deeply?)");
            }
            if (!inProgress.add(node)) {
                throw new PlaybookException(where, "recursive alias: a value contains itself");
            }
            try {
                if (node instanceof ScalarNode scalar) return new YamlScalar(scalarValue(scalar, where), where);
                if (node instanceof SequenceNode seq) return sequence(seq, where);
                return mapping((MappingNode) node, where);
            } finally {
                inProgress.remove(node);
            }
        }

        private YamlSequence sequence(SequenceNode seq, Location where) {
            requireTag(seq, Tag.SEQ, where);
            List<YamlNode> items = new java.util.ArrayList<>(seq.getValue().size());
            for (Node item : seq.getValue()) items.add(build(item));
            return new YamlSequence(items, where);
        }

        private YamlMapping mapping(MappingNode map, Location where) {
            requireTag(map, Tag.MAP, where);
            Map<String, YamlMapping.Entry> entries = new LinkedHashMap<>();
            List<YamlMapping> merges = new java.util.ArrayList<>();
            for (NodeTuple tuple : map.getValue()) {
                Node keyNode = tuple.getKeyNode();
                Location keyAt = at(file, keyNode.getStartMark());
                if (keyNode.getTag().equals(Tag.MERGE)) {
                    merges.addAll(mergeSources(tuple.getValueNode(), keyAt));
                    continue;
                }
                if (!(keyNode instanceof ScalarNode scalarKey)) {
                    throw new PlaybookException(keyAt, "mapping keys must be plain strings, not a "
                            + (keyNode instanceof SequenceNode ? "list" : "mapping"));
                }
                String key = scalarKey.getValue();
                YamlMapping.Entry first = entries.get(key);
                if (first != null) {
                    throw new PlaybookException(keyAt, "duplicate key '" + key + "' (first defined at "
                            + first.keyLocation().line() + ":" + first.keyLocation().column() + ")");
                }
                entries.put(key, new YamlMapping.Entry(key, keyAt, build(tuple.getValueNode())));
            }
            // YAML merge keys ("<<: *defaults"): explicit keys win, then earlier merged mappings.
            for (YamlMapping source : merges) {
                for (YamlMapping.Entry e : source.entries()) entries.putIfAbsent(e.key(), e);
            }
            return new YamlMapping(entries, where);
        }

        private List<YamlMapping> mergeSources(Node value, Location keyAt) {
            YamlNode built = build(value);
            if (built instanceof YamlMapping m) return List.of(m);
            if (built instanceof YamlSequence s && s.items().stream().allMatch(YamlMapping.class::isInstance)) {
                return s.items().stream().map(YamlMapping.class::cast).toList();
            }
            throw new PlaybookException(keyAt, "merge key '<<' needs a mapping or a list of mappings, got "
                    + built.describe());
        }

        private Object scalarValue(ScalarNode node, Location where) {
            Tag tag = node.getTag();
            if (tag.equals(Tag.TIMESTAMP)) return node.getValue();
            if (tag.equals(VAULT)) return vaultValue(node, where);
            if (!STANDARD_SCALAR_TAGS.contains(tag)) throw unsupportedTag(tag, where);
            Object value;
            try {
                value = constructor.scalar(node);
            } catch (YAMLException | NumberFormatException e) {
                throw new PlaybookException(where, "invalid " + tag.getValue().replace(Tag.PREFIX, "")
                        + " value '" + node.getValue() + "': " + e.getMessage(), e);
            }
            if (value instanceof BigInteger) {
                throw new PlaybookException(where, "integer " + node.getValue() + " is out of range (64 bits)");
            }
            return value;
        }

        private void requireTag(Node node, Tag expected, Location where) {
            if (!node.getTag().equals(expected)) throw unsupportedTag(node.getTag(), where);
        }
    }
}
