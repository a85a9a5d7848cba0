package dev.jplay.engine.playbook;

import dev.jplay.engine.template.Templater;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlLoader;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import dev.jplay.engine.yaml.YamlSequence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Parses a playbook file into {@link Playbook}. Every structural mistake (unknown keyword, wrong type, missing or
 * ambiguous module, unknown module, notify without handler) is a {@link PlaybookException} at the exact place.
 */
public final class PlaybookParser {
    /** The argument key holding a free-form module's command line, as in Ansible. */
    public static final String RAW_PARAMS = "_raw_params";

    static final Set<String> PLAY_KEYWORDS = Set.of("name", "hosts", "vars", "vars_files", "tasks", "handlers",
            "serial", "strategy", "any_errors_fatal", "max_fail_percentage", "gather_facts", "tags", "replicas", "rollback",
            "connection", "no_log", "run_once", "remote_user", "become", "become_user", "become_method", "become_flags",
            "gather_subset", "gather_timeout");
    private static final Set<String> UNSUPPORTED_PLAY_KEYWORDS = Set.of("roles", "pre_tasks", "post_tasks",
            "environment", "vars_prompt",
            "ignore_errors", "ignore_unreachable", "order",
            "throttle", "collections", "module_defaults", "force_handlers", "check_mode", "diff", "port");
    private static final Pattern BATCH = Pattern.compile("\\d+%?");

    private final YamlLoader loader;
    private final TaskParser tasks;

    /** @param knownModules module names tasks may use (e.g. ModuleRegistry.names() plus controller-side ones) */
    public PlaybookParser(Set<String> knownModules) {
        this(knownModules, new YamlLoader());
    }

    public PlaybookParser(Set<String> knownModules, YamlLoader loader) {
        this.loader = loader;
        this.tasks = new TaskParser(Set.copyOf(knownModules));
    }

    public Playbook parse(Path file) {
        YamlNode root;
        try {
            root = loader.load(file);
        } catch (IOException e) {
            throw new PlaybookException(Location.startOf(file), "cannot read playbook: " + e, e);
        }
        return parse(root, file);
    }

    /** Parses playbook text as if read from {@code file} (vars_files resolve against its directory). */
    public Playbook parse(String yaml, Path file) {
        return parse(loader.load(yaml, file), file);
    }

    private Playbook parse(YamlNode root, Path file) {
        if (!(root instanceof YamlSequence seq) || seq.items().isEmpty()) {
            throw new PlaybookException(root.location(), "a playbook must be a non-empty list of plays, got "
                    + (root instanceof YamlSequence ? "an empty list" : root.describe()));
        }
        List<Play> plays = new ArrayList<>();
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlMapping play)) throw Fields.wrongType("a play", item, "a mapping");
            plays.add(play(play, file));
        }
        return new Playbook(file, plays);
    }

    /**
     * Loads a vars file (a mapping at top level; empty file = no vars).
     *
     * @param referencedAt where the file was named, for "cannot read" errors
     */
    public Map<String, Object> loadVarsFile(Path path, Location referencedAt) {
        YamlNode root;
        try {
            root = loader.load(path);
        } catch (IOException e) {
            throw new PlaybookException(referencedAt, "cannot read vars file " + path + ": " + e, e);
        }
        if (root instanceof YamlScalar s && s.isNull()) return new java.util.LinkedHashMap<>();
        return Fields.map("a vars file", root);
    }

    /**
     * The play's vars with its vars_files loaded over them, in order (later files win), as the play runs with
     * them: a templated file name ({@code vars/{{ env }}.yml}) is rendered with the vars so far and the extra vars.
     */
    public Map<String, Object> playVars(Play play, Map<String, Object> extraVars, Templater templater) {
        Map<String, Object> v = new java.util.LinkedHashMap<>(play.vars());
        for (VarsFile f : play.varsFiles()) {
            Path path = f.path();
            if (f.isTemplated()) {
                Map<String, Object> soFar = new java.util.LinkedHashMap<>(v);
                soFar.putAll(extraVars);
                path = f.resolveRendered(templater.renderString(f.written(), soFar, f.location()));
            }
            v.putAll(loadVarsFile(path, f.location()));
        }
        return v;
    }

    private Play play(YamlMapping node, Path file) {
        if (node.has("import_playbook")) {
            throw new PlaybookException(node.keyLocation("import_playbook"), "import_playbook is not supported by jplay");
        }
        for (String key : node.keys()) {
            if (UNSUPPORTED_PLAY_KEYWORDS.contains(key)) {
                throw new PlaybookException(node.keyLocation(key), "play keyword '" + key + "' is not supported by jplay");
            }
            if (!PLAY_KEYWORDS.contains(key)) {
                throw new PlaybookException(node.keyLocation(key), "unknown play keyword '" + key + "'"
                        + Suggestions.didYouMean(key, PLAY_KEYWORDS) + " (play keywords: "
                        + String.join(", ", new TreeSet<>(PLAY_KEYWORDS)) + ")");
            }
        }
        TaskParser.Inherited inherited = TaskParser.Inherited.NONE.under(node); // connection, no_log, run_once, become*
        List<Task> taskList = FactGathering.prepend(node, inherited,
                tasks.tasks("tasks", node.get("tasks"), false, inherited));
        List<Task> handlers = tasks.tasks("handlers", node.get("handlers"), true, inherited);
        checkNotifyTargets(taskList, handlers);
        checkNotifyTargets(handlers, handlers);
        RollbackPolicy rollback = rollback(node.get("rollback"));
        if (rollback != RollbackPolicy.NONE) {
            checkRollbackTargets(taskList);
            checkRollbackTargets(handlers);
        }
        String strategy = Fields.text("strategy", node.get("strategy"));
        return new Play(
                Fields.text("name", node.get("name")),
                hosts(node),
                Fields.map("vars", node.get("vars")),
                varsFiles(node.get("vars_files"), file),
                taskList,
                handlers,
                serial(node.get("serial")),
                strategy == null ? "linear" : strategy,
                Fields.bool("any_errors_fatal", node.get("any_errors_fatal"), false),
                percentage(node.get("max_fail_percentage")),
                Fields.names("tags", node.get("tags"), true),
                node.has("replicas") ? Fields.map("replicas", node.get("replicas")) : null,
                rollback,
                Fields.text("remote_user", node.get("remote_user")),
                node.location(),
                TaskParser.keyLocations(node),
                keywordLocations(node));
    }

    private static Map<String, Location> keywordLocations(YamlMapping node) {
        Map<String, Location> at = new java.util.HashMap<>();
        for (YamlMapping.Entry e : node.entries()) at.put(e.key(), e.keyLocation());
        return at;
    }

    private static String hosts(YamlMapping node) {
        YamlNode hosts = node.get("hosts");
        if (hosts instanceof YamlSequence seq) {
            return String.join(",", Fields.names("hosts", seq, false));
        }
        return Fields.requiredText("hosts", hosts, node);
    }

    private static List<VarsFile> varsFiles(YamlNode node, Path playbook) {
        Path dir = playbook.toAbsolutePath().getParent();
        List<VarsFile> out = new ArrayList<>();
        for (YamlNode item : Fields.list("vars_files", node)) {
            if (!(item instanceof YamlScalar s) || !(s.value() instanceof String path)) {
                throw Fields.wrongType("a vars_files entry", item, "a file path");
            }
            out.add(new VarsFile(path, dir.resolve(path).normalize(), item.location()));
        }
        return out;
    }

    private static Serial serial(YamlNode node) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return null;
        List<YamlNode> batches = node instanceof YamlSequence seq ? seq.items() : List.of(node);
        if (batches.isEmpty()) throw Fields.wrongType("serial", node, "a batch size, a percentage or a list of them");
        for (YamlNode batch : batches) {
            boolean ok = batch instanceof YamlScalar s
                    && (s.value() instanceof Integer i && i > 0
                        || s.value() instanceof String str && (BATCH.matcher(str.trim()).matches() || Templater.isTemplate(str)));
            if (!ok) throw Fields.wrongType("serial", batch, "a positive batch size or a percentage like \"30%\"");
        }
        return new Serial(node.toJava(), node.location());
    }

    private static RollbackPolicy rollback(YamlNode node) {
        if (node == null || node instanceof YamlScalar s && (s.isNull() || Boolean.FALSE.equals(s.value()))) return RollbackPolicy.NONE;
        RollbackPolicy policy = node instanceof YamlScalar s && s.value() instanceof String text ? RollbackPolicy.parse(text) : null;
        if (policy == null) throw Fields.wrongType("rollback", node, "none, batch or all");
        return policy;
    }

    private static Double percentage(YamlNode node) {
        if (node == null || node instanceof YamlScalar s && s.isNull()) return null;
        if (node instanceof YamlScalar s && s.value() instanceof Number n
                && n.doubleValue() >= 0 && n.doubleValue() <= 100) {
            return n.doubleValue();
        }
        throw Fields.wrongType("max_fail_percentage", node, "a number from 0 to 100");
    }

    /**
     * {@code rollback} restores containers on the play's hosts; a container task that runs elsewhere (delegated,
     * or through a connection keyword) would be rolled back on the wrong host, so the pair is refused.
     */
    private static void checkRollbackTargets(List<Task> tasks) {
        for (Task t : tasks) {
            if (t instanceof Block b) {
                checkRollbackTargets(b.block());
                checkRollbackTargets(b.rescue());
                checkRollbackTargets(b.always());
            } else if (t instanceof ModuleTask m && m.module().equals("container") && (m.delegateTo() != null || m.connection() != null)) {
                String how = m.delegateTo() != null ? "delegate_to: " + m.delegateTo() : "connection: " + m.connection();
                throw new PlaybookException(m.location(), "a container task with " + how + " runs its container on another host"
                        + " than the play's, which the play's rollback cannot follow: drop one of them");
            }
        }
    }

    /** A notify that matches no handler name or listen topic is a typo: report it where it was written. */
    private static void checkNotifyTargets(List<Task> notifiers, List<Task> handlers) {
        Set<String> targets = new HashSet<>();
        for (Task h : handlers) {
            if (h instanceof ModuleTask m) {
                if (m.name() != null) targets.add(m.name());
                targets.addAll(m.listen());
            }
        }
        for (Task t : notifiers) {
            if (t instanceof Block b) {
                checkNotifyTargets(b.block(), handlers);
                checkNotifyTargets(b.rescue(), handlers);
                checkNotifyTargets(b.always(), handlers);
            } else if (t instanceof ModuleTask m) {
                for (String n : m.notifies()) {
                    if (!n.contains("{{") && !targets.contains(n)) {
                        throw new PlaybookException(m.locationOf("notify"), "notify '" + n + "' matches no handler"
                                + Suggestions.didYouMean(n, targets));
                    }
                }
            }
        }
    }
}
