package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import dev.jplay.engine.yaml.YamlSequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns task mappings into {@link Task}s. The module of a task is its one key that is not a task keyword.
 */
final class TaskParser {
    static final Set<String> TASK_KEYWORDS = Set.of("name", "when", "loop", "loop_control", "register", "notify",
            "ignore_errors", "failed_when", "changed_when", "tags", "timeout", "environment", "delegate_to", "vars",
            "retries", "until", "delay", "no_log", "listen", "args", "remote_user");
    static final Set<String> BLOCK_KEYWORDS = Set.of("name", "block", "rescue", "always", "when", "tags", "vars",
            "ignore_errors", "environment", "delegate_to", "no_log");
    /** Ansible task keywords jplay does not implement: an error, never silently ignored. */
    static final Set<String> UNSUPPORTED_KEYWORDS = Set.of("action", "local_action", "become", "become_user",
            "become_method", "become_flags", "become_exe", "connection", "run_once", "check_mode",
            "diff", "async", "poll", "throttle", "any_errors_fatal", "collections", "module_defaults", "debugger",
            "port", "delegate_facts", "ignore_unreachable");
    /** Modules whose string argument is a command line rather than key=value pairs. */
    static final Set<String> FREE_FORM_MODULES = Set.of("command", "shell", "raw", "script", "meta",
            "include_tasks", "import_tasks", "include_vars");
    private static final List<String> BUILTIN_PREFIXES = List.of("ansible.builtin.", "ansible.legacy.");
    private static final Set<String> LOOP_CONTROL_KEYS = Set.of("loop_var", "index_var", "label", "parallel");

    private final Set<String> knownModules;

    TaskParser(Set<String> knownModules) {
        this.knownModules = knownModules;
    }

    List<Task> tasks(String keyword, YamlNode node, boolean handlers) {
        List<Task> out = new ArrayList<>();
        for (YamlNode item : Fields.list(keyword, node)) {
            if (!(item instanceof YamlMapping task)) throw Fields.wrongType("a task", item, "a mapping");
            out.add(task(task, handlers));
        }
        return out;
    }

    Task task(YamlMapping node, boolean handler) {
        if (node.has("block")) return block(node, handler);
        for (String key : List.of("rescue", "always")) {
            if (node.has(key)) {
                throw new PlaybookException(node.keyLocation(key), "'" + key + "' is only valid next to 'block'");
            }
        }
        String moduleKey = moduleKey(node);
        String module = shortName(moduleKey);
        Map<String, Location> at = keyLocations(node);
        if (!handler && node.has("listen")) {
            throw new PlaybookException(node.keyLocation("listen"), "'listen' is only valid in handlers");
        }
        Map<String, Object> args = new LinkedHashMap<>(Fields.map("args", node.get("args")));
        args.putAll(moduleArgs(module, node.get(moduleKey)));
        at.put("module", node.keyLocation(moduleKey));
        String name = Fields.text("name", node.get("name"));
        List<String> listen = Fields.names("listen", node.get("listen"), false);
        if (handler && name == null && listen.isEmpty()) {
            throw new PlaybookException(node.location(), "handler has neither 'name' nor 'listen': it can never be notified");
        }
        return new ModuleTask(
                name,
                module,
                args,
                Fields.conditions("when", node.get("when")),
                loop(node),
                Fields.identifier("register", node.get("register")),
                Fields.names("notify", node.get("notify"), false),
                Fields.bool("ignore_errors", node.get("ignore_errors"), false),
                node.has("failed_when") ? Fields.conditions("failed_when", node.get("failed_when")) : null,
                node.has("changed_when") ? Fields.conditions("changed_when", node.get("changed_when")) : null,
                Fields.names("tags", node.get("tags"), true),
                positive("timeout", node.get("timeout")),
                Fields.map("environment", node.get("environment")),
                Fields.text("delegate_to", node.get("delegate_to")),
                Fields.text("remote_user", node.get("remote_user")),
                Fields.map("vars", node.get("vars")),
                retry(node),
                Fields.bool("no_log", node.get("no_log"), false),
                listen,
                node.location(),
                at);
    }

    private Block block(YamlMapping node, boolean handler) {
        for (String key : node.keys()) {
            if (!BLOCK_KEYWORDS.contains(key)) {
                throw new PlaybookException(node.keyLocation(key), "'" + key + "' is not allowed on a block (allowed: "
                        + String.join(", ", new TreeSet<>(BLOCK_KEYWORDS)) + ")"
                        + Suggestions.didYouMean(key, BLOCK_KEYWORDS));
            }
        }
        List<Task> body = tasks("block", node.get("block"), handler);
        if (body.isEmpty()) throw new PlaybookException(node.get("block").location(), "block has no tasks");
        return new Block(
                Fields.text("name", node.get("name")),
                body,
                tasks("rescue", node.get("rescue"), handler),
                tasks("always", node.get("always"), handler),
                Fields.conditions("when", node.get("when")),
                Fields.names("tags", node.get("tags"), true),
                Fields.map("vars", node.get("vars")),
                Fields.bool("ignore_errors", node.get("ignore_errors"), false),
                Fields.map("environment", node.get("environment")),
                Fields.text("delegate_to", node.get("delegate_to")),
                Fields.bool("no_log", node.get("no_log"), false),
                node.location(),
                keyLocations(node));
    }

    private String moduleKey(YamlMapping node) {
        List<String> candidates = new ArrayList<>();
        for (String key : node.keys()) {
            if (TASK_KEYWORDS.contains(key)) continue;
            if (UNSUPPORTED_KEYWORDS.contains(key)) {
                throw new PlaybookException(node.keyLocation(key), "task keyword '" + key + "' is not supported by jplay");
            }
            if (key.startsWith("with_")) {
                throw new PlaybookException(node.keyLocation(key), "'" + key + "' is not supported: use 'loop'");
            }
            candidates.add(key);
        }
        if (candidates.isEmpty()) {
            throw new PlaybookException(node.location(), "task has no module: its keys " + node.keys()
                    + " are all task keywords");
        }
        if (candidates.size() > 1) {
            for (String key : candidates) {
                if (!knownModules.contains(shortName(key))) {
                    String hint = Suggestions.didYouMean(key, TASK_KEYWORDS);
                    if (!hint.isEmpty()) {
                        throw new PlaybookException(node.keyLocation(key), "unknown task keyword '" + key + "'" + hint);
                    }
                }
            }
            throw new PlaybookException(node.location(), "task has several module candidates " + candidates
                    + ": a task runs exactly one module");
        }
        String key = candidates.get(0);
        if (!knownModules.contains(shortName(key))) {
            Set<String> vocabulary = new TreeSet<>(knownModules);
            vocabulary.addAll(TASK_KEYWORDS);
            throw new PlaybookException(node.keyLocation(key), "unknown module '" + key + "'"
                    + Suggestions.didYouMean(shortName(key), vocabulary));
        }
        return key;
    }

    private static String shortName(String key) {
        for (String prefix : BUILTIN_PREFIXES) {
            if (key.startsWith(prefix)) return key.substring(prefix.length());
        }
        return key;
    }

    private static Map<String, Object> moduleArgs(String module, YamlNode value) {
        if (value == null || value instanceof YamlScalar s && s.isNull()) return Map.of();
        if (value instanceof YamlMapping m) return m.toJava();
        if (value instanceof YamlScalar s) {
            String text = String.valueOf(s.value());
            if (FREE_FORM_MODULES.contains(module)) return FreeFormArgs.freeForm(text);
            try {
                return FreeFormArgs.keyValues(text);
            } catch (IllegalArgumentException e) {
                throw new PlaybookException(value.location(), "module '" + module + "' takes key=value arguments or a"
                        + " mapping; '" + e.getMessage() + "' is not key=value");
            }
        }
        throw Fields.wrongType("arguments of module '" + module + "'", value, "a mapping or a key=value string");
    }

    private static Loop loop(YamlMapping node) {
        YamlNode items = node.get("loop");
        if (items == null) {
            if (node.has("loop_control")) {
                throw new PlaybookException(node.keyLocation("loop_control"), "loop_control without loop");
            }
            return null;
        }
        Object raw;
        if (items instanceof YamlSequence seq) {
            raw = seq.toJava();
        } else if (items instanceof YamlScalar s && s.value() instanceof String str && str.contains("{{")) {
            raw = str;
        } else {
            throw Fields.wrongType("loop", items, "a list or a template string such as \"{{ packages }}\"");
        }
        String loopVar = Loop.DEFAULT_LOOP_VAR;
        String indexVar = null;
        String label = null;
        int parallel = 1;
        if (node.has("loop_control")) {
            YamlMapping control = Fields.mapping("loop_control", node.get("loop_control"));
            for (String key : control.keys()) {
                if (!LOOP_CONTROL_KEYS.contains(key)) {
                    throw new PlaybookException(control.keyLocation(key), "unsupported loop_control option '" + key
                            + "' (supported: index_var, label, loop_var, parallel)" + Suggestions.didYouMean(key, LOOP_CONTROL_KEYS));
                }
            }
            String var = Fields.identifier("loop_control.loop_var", control.get("loop_var"));
            if (var != null) loopVar = var;
            indexVar = Fields.identifier("loop_control.index_var", control.get("index_var"));
            label = Fields.text("loop_control.label", control.get("label"));
            Integer n = Fields.count("loop_control.parallel", control.get("parallel"));
            if (n != null && n == 0) throw Fields.wrongType("loop_control.parallel", control.get("parallel"), "a positive number of items");
            if (n != null) parallel = n;
        }
        return new Loop(raw, loopVar, indexVar, label, parallel, items.location());
    }

    private static Retry retry(YamlMapping node) {
        if (!node.has("until") && !node.has("retries")) {
            if (node.has("delay")) throw new PlaybookException(node.keyLocation("delay"), "delay without until/retries");
            return null;
        }
        Integer retries = Fields.count("retries", node.get("retries"));
        Integer delay = Fields.count("delay", node.get("delay"));
        return new Retry(node.has("until") ? Fields.conditions("until", node.get("until")) : null,
                retries == null ? Retry.DEFAULT_RETRIES : retries,
                delay == null ? Retry.DEFAULT_DELAY_SECONDS : delay);
    }

    private static Integer positive(String keyword, YamlNode node) {
        Integer value = Fields.count(keyword, node);
        if (value != null && value == 0) throw Fields.wrongType(keyword, node, "a positive number of seconds");
        return value;
    }

    static Map<String, Location> keyLocations(YamlMapping node) {
        Map<String, Location> at = new HashMap<>();
        for (YamlMapping.Entry e : node.entries()) at.put(e.key(), e.value().location());
        return at;
    }
}
