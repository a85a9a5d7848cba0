package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import dev.jplay.inventory.ConnectionVars;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import dev.jplay.engine.yaml.YamlSequence;
import java.nio.file.Path;
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
            "retries", "until", "delay", "no_log", "listen", "args", "connection", "run_once", "remote_user",
            "become", "become_user", "become_method", "become_flags", UpdatePolicy.KEYWORD);
    static final Set<String> BLOCK_KEYWORDS = Set.of("name", "block", "rescue", "always", "when", "tags", "vars",
            "ignore_errors", "environment", "delegate_to", "no_log", "connection", "run_once", "remote_user",
            "become", "become_user", "become_method", "become_flags");
    /** Keys that name the module and its arguments in one value ({@code local_action} also delegates to localhost). */
    static final List<String> ACTION_KEYWORDS = List.of("action", "local_action");
    /** Ansible task keywords jplay does not implement: an error, never silently ignored. */
    static final Set<String> UNSUPPORTED_KEYWORDS = Set.of("become_exe", "check_mode",
            "diff", "async", "poll", "throttle", "any_errors_fatal", "collections", "module_defaults", "debugger",
            "port", "delegate_facts", "ignore_unreachable");
    /** The transports jplay has, under the names Ansible accepts for them (as the inventory's ansible_connection). */
    private static final Map<String, String> CONNECTIONS = Map.of("local", "local", "ssh", "ssh", "smart", "ssh", "paramiko", "ssh");
    /** Modules whose string argument is a command line rather than key=value pairs. */
    static final Set<String> FREE_FORM_MODULES = Set.of("command", "shell", "raw", "script", "meta",
            "include_tasks", "import_tasks", "include_vars");
    private static final List<String> BUILTIN_PREFIXES = List.of("ansible.builtin.", "ansible.legacy.");
    private static final Set<String> LOOP_CONTROL_KEYS = Set.of("loop_var", "index_var", "label", "parallel");

    /** Modules the playbook itself implements (how tasks are organised), known to every parser. */
    static final Set<String> ORGANISING_MODULES = Set.of("include_tasks", "import_tasks", "include_role", "import_role", "meta");
    /** The {@code meta:} actions jplay has. */
    static final Set<String> META_ACTIONS = Set.of("flush_handlers", "noop");
    /** Keywords an {@code import_tasks}/{@code import_role} line may carry: they apply to every imported task. */
    private static final Set<String> IMPORT_KEYWORDS = Set.of("name", "when", "tags", "vars", "environment", "ignore_errors",
            "delegate_to", "no_log", "connection", "run_once", "remote_user", "become", "become_user", "become_method",
            "become_flags", "args");
    private static final Set<String> INCLUDE_ROLE_ARGS = Set.of("name", "tasks_from", "vars_from", "defaults_from",
            "handlers_from", "allow_duplicates", "public", "apply", "rolespec_validate");

    private final Set<String> knownModules;
    private final Includes includes;

    TaskParser(Set<String> knownModules) {
        this(knownModules, null);
    }

    /** @param includes reads imported task files and roles; null refuses {@code import_tasks}/{@code import_role} */
    TaskParser(Set<String> knownModules, Includes includes) {
        Set<String> all = new java.util.HashSet<>(knownModules);
        all.addAll(ORGANISING_MODULES);
        this.knownModules = Set.copyOf(all);
        this.includes = includes;
    }

    /**
     * The keywords a task takes from its block or play unless it sets them itself (Ansible's inheritance): how to
     * reach the host and log in to it ({@code remote_user}, and where it was written), where to delegate, whether
     * to run once, whether to hide results and whom to become.
     */
    record Inherited(String connection, String delegateTo, boolean noLog, boolean runOnce, BecomeKeywords become,
                     String remoteUser, Location remoteUserAt) {
        static final Inherited NONE = new Inherited(null, null, false, false, BecomeKeywords.NONE, null, null);

        /** What tasks an include reads at run time take from the include task (which holds its block's and play's). */
        static Inherited from(ModuleTask including) {
            if (including == null) return NONE;
            return new Inherited(including.connection(), including.delegateTo(), including.noLog(), including.runOnce(),
                    including.become(), including.remoteUser(), including.keyLocations().get("remote_user"));
        }

        /** The values {@code node} sets itself, else these. */
        Inherited under(YamlMapping node) {
            return new Inherited(
                    node.has("connection") ? TaskParser.connection(node.get("connection")) : connection,
                    node.has("delegate_to") ? Fields.text("delegate_to", node.get("delegate_to")) : delegateTo,
                    Fields.bool("no_log", node.get("no_log"), noLog),
                    Fields.bool("run_once", node.get("run_once"), runOnce),
                    become.under(node),
                    node.has("remote_user") ? Fields.text("remote_user", node.get("remote_user")) : remoteUser,
                    node.has("remote_user") ? node.get("remote_user").location() : remoteUserAt);
        }
    }

    List<Task> tasks(String keyword, YamlNode node, boolean handlers) {
        return tasks(keyword, node, handlers, Inherited.NONE);
    }

    List<Task> tasks(String keyword, YamlNode node, boolean handlers, Inherited outer) {
        List<Task> out = new ArrayList<>();
        for (YamlNode item : Fields.list(keyword, node)) {
            if (!(item instanceof YamlMapping task)) throw Fields.wrongType("a task", item, "a mapping");
            out.add(task(task, handlers, outer));
        }
        return out;
    }

    Task task(YamlMapping node, boolean handler) {
        return task(node, handler, Inherited.NONE);
    }

    Task task(YamlMapping node, boolean handler, Inherited outer) {
        if (node.has("block")) return block(node, handler, outer);
        for (String key : List.of("rescue", "always")) {
            if (node.has(key)) {
                throw new PlaybookException(node.keyLocation(key), "'" + key + "' is only valid next to 'block'");
            }
        }
        String moduleKey = moduleKey(node);
        Map<String, Location> at = keyLocations(node);
        if (!handler && node.has("listen")) {
            throw new PlaybookException(node.keyLocation("listen"), "'listen' is only valid in handlers");
        }
        Map<String, Object> args = new LinkedHashMap<>(Fields.map("args", node.get("args")));
        String module;
        Inherited own = outer.under(node);
        if (ACTION_KEYWORDS.contains(moduleKey)) {
            Action action = action(moduleKey, node.get(moduleKey));
            module = action.module();
            args.putAll(action.args());
            at.put(module, node.get(moduleKey).location());
            if (moduleKey.equals("local_action")) {
                if (node.has("delegate_to")) {
                    throw new PlaybookException(node.keyLocation("delegate_to"), "'local_action' runs on localhost: it takes no 'delegate_to'");
                }
                own = new Inherited(own.connection(), "localhost", own.noLog(), own.runOnce(), own.become(),
                        own.remoteUser(), own.remoteUserAt());
            }
        } else {
            module = shortName(moduleKey);
            args.putAll(moduleArgs(module, node.get(moduleKey)));
        }
        at.put("module", node.keyLocation(moduleKey));
        if (module.equals("import_tasks") || module.equals("import_role")) return imported(module, args, node, handler, own);
        checkOrganising(module, args, node);
        if (own.remoteUserAt() != null) at.putIfAbsent("remote_user", own.remoteUserAt()); // its block's or play's
        checkDelegation(own, node);
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
                own.delegateTo(),
                own.remoteUser(),
                Fields.map("vars", node.get("vars")),
                retry(node),
                own.noLog(),
                own.connection(),
                own.runOnce(),
                own.become(),
                listen,
                node.location(),
                at,
                update(module, node));
    }

    /** A container task's own {@code update:} (it overrides the play's); on any other task a mistake, located. */
    private static UpdatePolicy update(String module, YamlMapping node) {
        if (!node.has(UpdatePolicy.KEYWORD)) return null;
        if (!module.equals("container")) {
            throw new PlaybookException(node.keyLocation(UpdatePolicy.KEYWORD), "'update' is only valid on a container task (how its"
                    + " instances are replaced) or on the play, not on a '" + module + "' task");
        }
        return UpdatePolicy.parse(node.get(UpdatePolicy.KEYWORD));
    }

    /**
     * {@code import_tasks}/{@code import_role}: read when the playbook is parsed, as a block holding the imported
     * tasks, so its {@code when}, {@code tags} and {@code vars} apply to each of them (Ansible's static import).
     */
    private Block imported(String module, Map<String, Object> args, YamlMapping node, boolean handler, Inherited own) {
        for (String key : node.keys()) {
            if (key.equals("loop")) {
                throw new PlaybookException(node.keyLocation(key), "'" + module + "' cannot loop: it is read once when the"
                        + " playbook is parsed; use '" + module.replace("import", "include") + "' to loop");
            }
            if (!IMPORT_KEYWORDS.contains(key) && !shortName(key).equals(module)) {
                throw new PlaybookException(node.keyLocation(key), "'" + key + "' is not allowed on " + module
                        + " (allowed: " + String.join(", ", new TreeSet<>(IMPORT_KEYWORDS)) + ")");
            }
        }
        if (includes == null) throw new PlaybookException(node.location(), module + " is not possible here");
        Location at = node.keyLocation(moduleKeyOf(node, module));
        List<Task> body;
        Map<String, Object> blockVars = Fields.map("vars", node.get("vars"));
        if (module.equals("import_tasks")) {
            Object file = args.containsKey(PlaybookParser.RAW_PARAMS) ? args.get(PlaybookParser.RAW_PARAMS) : args.get("file");
            if (!(file instanceof String f) || f.isBlank()) {
                throw new PlaybookException(at, "import_tasks needs a file name");
            }
            if (f.contains("{{")) {
                throw new PlaybookException(at, "import_tasks is read when the playbook is parsed, before variables exist:"
                        + " its file name '" + f + "' cannot be a template; use include_tasks");
            }
            RoleContext role = includes.currentRole();
            Path path = includes.taskFile(f, at.file(), role);
            body = includes.taskFile(path, at, role, handler, this, own);
        } else {
            String name = roleName(module, args, at);
            body = includes.role(new Includes.RoleRequest(name, at, blockVars, Map.of(), text(args, "tasks_from"), text(args, "vars_from"),
                    text(args, "defaults_from"), text(args, "handlers_from"), true), this, own);
            blockVars = Map.of(); // the role's params
        }
        return new Block(Fields.text("name", node.get("name")), body, List.of(), List.of(),
                Fields.conditions("when", node.get("when")), Fields.names("tags", node.get("tags"), true), blockVars,
                Fields.bool("ignore_errors", node.get("ignore_errors"), false), Fields.map("environment", node.get("environment")),
                own.delegateTo(), own.noLog(), own.connection(), own.runOnce(), node.location(), keyLocations(node));
    }

    /** The role an import_role/include_role names, its other arguments checked. */
    private static String roleName(String module, Map<String, Object> args, Location at) {
        for (String key : args.keySet()) {
            if (!INCLUDE_ROLE_ARGS.contains(key)) {
                throw new PlaybookException(at, module + " has no argument '" + key + "' (arguments: "
                        + String.join(", ", new TreeSet<>(INCLUDE_ROLE_ARGS)) + ")");
            }
        }
        if (!(args.get("name") instanceof String name) || name.isBlank()) {
            throw new PlaybookException(at, module + " needs 'name:' (the role)");
        }
        return name;
    }

    private static String moduleKeyOf(YamlMapping node, String module) {
        for (String key : node.keys()) if (shortName(key).equals(module)) return key;
        return module;
    }

    private static String text(Map<String, Object> args, String key) {
        Object v = args.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** Arguments of include_tasks, include_role and meta, checked where they were written. */
    private static void checkOrganising(String module, Map<String, Object> args, YamlMapping node) {
        Location at = node.keyLocation(moduleKeyOf(node, module));
        switch (module) {
            case "include_tasks" -> {
                Object file = args.containsKey(PlaybookParser.RAW_PARAMS) ? args.get(PlaybookParser.RAW_PARAMS) : args.get("file");
                if (!(file instanceof String f) || f.isBlank()) throw new PlaybookException(at, "include_tasks needs a file name");
                for (String key : args.keySet()) {
                    if (!key.equals("file") && !key.equals(PlaybookParser.RAW_PARAMS)) {
                        throw new PlaybookException(at, "include_tasks has no argument '" + key + "' (arguments: file)");
                    }
                }
            }
            case "include_role" -> roleName(module, args, at);
            case "meta" -> {
                Object action = args.get(PlaybookParser.RAW_PARAMS);
                if (!(action instanceof String a) || !META_ACTIONS.contains(a.strip())) {
                    throw new PlaybookException(at, "meta: '" + action + "' is not supported by jplay (supported: "
                            + String.join(", ", new TreeSet<>(META_ACTIONS)) + ")");
                }
            }
            default -> { }
        }
    }

    /** The {@code meta: flush_handlers} Ansible runs implicitly after pre_tasks and after the roles and tasks. */
    static ModuleTask implicitFlush(Location at) {
        return new ModuleTask(null, "meta", Map.of(PlaybookParser.RAW_PARAMS, "flush_handlers"), List.of(), null, null,
                List.of(), false, null, null, List.of("always"), null, Map.of(), null, null, Map.of(), null, false, null,
                false, null, List.of(), at, Map.of());
    }

    private Block block(YamlMapping node, boolean handler, Inherited outer) {
        for (String key : node.keys()) {
            if (!BLOCK_KEYWORDS.contains(key)) {
                throw new PlaybookException(node.keyLocation(key), "'" + key + "' is not allowed on a block (allowed: "
                        + String.join(", ", new TreeSet<>(BLOCK_KEYWORDS)) + ")"
                        + Suggestions.didYouMean(key, BLOCK_KEYWORDS));
            }
        }
        Inherited inner = outer.under(node);
        List<Task> body = tasks("block", node.get("block"), handler, inner);
        if (body.isEmpty()) throw new PlaybookException(node.get("block").location(), "block has no tasks");
        return new Block(
                Fields.text("name", node.get("name")),
                body,
                tasks("rescue", node.get("rescue"), handler, inner),
                tasks("always", node.get("always"), handler, inner),
                Fields.conditions("when", node.get("when")),
                Fields.names("tags", node.get("tags"), true),
                Fields.map("vars", node.get("vars")),
                Fields.bool("ignore_errors", node.get("ignore_errors"), false),
                Fields.map("environment", node.get("environment")),
                inner.delegateTo(),
                inner.noLog(),
                inner.connection(),
                inner.runOnce(),
                node.location(),
                keyLocations(node));
    }

    /** {@code connection:} as a task, block or play keyword: one of the transports jplay has, normalised. */
    static String connection(YamlNode node) {
        String value = Fields.text("connection", node);
        if (value == null) return null;
        String known = CONNECTIONS.get(value.strip());
        if (known == null) {
            throw Fields.wrongType("connection", node, "local or ssh (jplay has no other transport; smart and paramiko mean ssh)");
        }
        return known;
    }

    /**
     * A delegated task runs through its delegate's connection; a {@code connection:} keyword over it (the task's,
     * its block's or its play's) would have to choose between the two, so jplay refuses the pair rather than
     * pick one silently. {@code connection: local} with a delegation to localhost says the same thing twice.
     */
    private static void checkDelegation(Inherited own, YamlMapping node) {
        if (own.delegateTo() == null || own.connection() == null) return;
        if (own.connection().equals("local") && ConnectionVars.isLocalhost(own.delegateTo().strip())) return;
        Location at = node.has("delegate_to") ? node.keyLocation("delegate_to")
                : node.has("local_action") ? node.keyLocation("local_action") : node.location();
        throw new PlaybookException(at, "delegate_to: " + own.delegateTo() + " runs the task through that host's connection,"
                + " and connection: " + own.connection() + " applies to this task too (set here, on its block or on its play):"
                + " drop one of them");
    }

    private record Action(String module, Map<String, Object> args) {}

    /**
     * {@code action:}/{@code local_action:} values: {@code "command echo hi"} (the module, then its arguments as
     * they would follow its key) or a mapping with {@code module:} and the arguments.
     */
    private Action action(String keyword, YamlNode value) {
        String module;
        Map<String, Object> args;
        if (value instanceof YamlScalar s && s.value() instanceof String text && !text.isBlank()) {
            String[] parts = text.strip().split("\\s+", 2);
            module = knownModule(keyword, shortName(parts[0]), value);
            args = parts.length < 2 ? Map.of() : textArgs(module, parts[1], value.location());
        } else if (value instanceof YamlMapping m) {
            Map<String, Object> all = new LinkedHashMap<>(m.toJava());
            Object name = all.remove("module");
            if (!(name instanceof String n) || n.isBlank()) {
                throw new PlaybookException(value.location(), keyword + " needs 'module: NAME' next to the module's arguments");
            }
            module = knownModule(keyword, shortName(n.strip()), value);
            args = all;
        } else {
            throw Fields.wrongType(keyword, value, "\"MODULE ARGS\" or a mapping with 'module:'");
        }
        return new Action(module, args);
    }

    private String knownModule(String keyword, String module, YamlNode value) {
        if (knownModules.contains(module)) return module;
        throw new PlaybookException(value.location(), "unknown module '" + module + "' in " + keyword
                + Suggestions.didYouMean(module, knownModules));
    }

    private String moduleKey(YamlMapping node) {
        List<String> actions = ACTION_KEYWORDS.stream().filter(node::has).toList();
        List<String> candidates = new ArrayList<>();
        for (String key : node.keys()) {
            if (TASK_KEYWORDS.contains(key) || ACTION_KEYWORDS.contains(key)) continue;
            if (UNSUPPORTED_KEYWORDS.contains(key)) {
                throw new PlaybookException(node.keyLocation(key), "task keyword '" + key + "' is not supported by jplay");
            }
            if (key.startsWith("with_")) {
                throw new PlaybookException(node.keyLocation(key), "'" + key + "' is not supported: use 'loop'");
            }
            candidates.add(key);
        }
        if (!actions.isEmpty()) {
            if (actions.size() > 1 || !candidates.isEmpty()) {
                String other = actions.size() > 1 ? actions.get(1) : candidates.get(0);
                throw new PlaybookException(node.keyLocation(other), "'" + actions.get(0) + "' already names the module"
                        + " of this task: '" + other + "' cannot name another (a task runs exactly one module)");
            }
            return actions.get(0);
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
        if (value instanceof YamlScalar s) return textArgs(module, String.valueOf(s.value()), value.location());
        throw Fields.wrongType("arguments of module '" + module + "'", value, "a mapping or a key=value string");
    }

    /** One-line arguments: a command line for free-form modules, key=value words for the others. */
    private static Map<String, Object> textArgs(String module, String text, Location at) {
        if (FREE_FORM_MODULES.contains(module)) return FreeFormArgs.freeForm(text);
        try {
            return FreeFormArgs.keyValues(text);
        } catch (IllegalArgumentException e) {
            throw new PlaybookException(at, "module '" + module + "' takes key=value arguments or a"
                    + " mapping; '" + e.getMessage() + "' is not key=value");
        }
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
