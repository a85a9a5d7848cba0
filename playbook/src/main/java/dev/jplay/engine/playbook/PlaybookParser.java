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
            "roles", "pre_tasks", "post_tasks", "vars_prompt", "gather_subset", "gather_timeout",
            ServiceSpec.KEYWORD, UpdatePolicy.KEYWORD);
    private static final Set<String> UNSUPPORTED_PLAY_KEYWORDS = Set.of(
            "environment",
            "ignore_errors", "ignore_unreachable", "order",
            "throttle", "collections", "module_defaults", "force_handlers", "check_mode", "diff", "port");
    private static final Pattern BATCH = Pattern.compile("\\d+%?");

    private static final Set<String> IMPORT_PLAYBOOK_KEYWORDS = Set.of("import_playbook", "ansible.builtin.import_playbook",
            "name", "vars", "tags", "when");
    private static final Set<String> PROMPT_KEYS = Set.of("name", "prompt", "private", "default", "confirm", "encrypt",
            "salt_size", "unsafe");

    private final YamlLoader loader;
    private final Includes includes;
    private final TaskParser tasks;
    private final java.util.function.Function<String, String> env;
    private VarsPrompter prompter = VarsPrompter.NONE;

    /** @param knownModules module names tasks may use (e.g. ModuleRegistry.names() plus controller-side ones) */
    public PlaybookParser(Set<String> knownModules) {
        this(knownModules, new YamlLoader());
    }

    public PlaybookParser(Set<String> knownModules, YamlLoader loader) {
        this(knownModules, loader, System::getenv);
    }

    /** @param env reads JPLAY_ROLES_PATH/ANSIBLE_ROLES_PATH and JPLAY_GATHERING/ANSIBLE_GATHERING (the process environment, or a test's) */
    public PlaybookParser(Set<String> knownModules, YamlLoader loader, java.util.function.Function<String, String> env) {
        this.loader = loader;
        this.includes = new Includes(loader, env);
        this.env = env;
        this.tasks = new TaskParser(Set.copyOf(knownModules), includes);
    }

    /** Who answers {@code vars_prompt} (default: nobody, an error naming the variable). */
    public PlaybookParser withPrompter(VarsPrompter prompter) {
        this.prompter = prompter;
        return this;
    }

    /**
     * The tasks of a file {@code include_tasks} names, read when the include runs: {@code name} is resolved in the
     * role's {@code tasks/}, beside the including file, then in the playbook's directory.
     *
     * @param chain the includes that led here, outermost first (a file already on it is a cycle)
     */
    public List<Task> includeTasks(Path playbookDir, String name, Location at, RoleContext role, List<IncludeStep> chain) {
        return includeTasks(playbookDir, name, at, role, chain, null);
    }

    /**
     * As above, the included tasks taking what the include task has from itself, its block and its play (Ansible's
     * inheritance: {@code become*}, {@code connection}, {@code remote_user}, {@code no_log}, {@code run_once},
     * {@code delegate_to}) unless they set it.
     *
     * @param including the include task, or null
     */
    public synchronized List<Task> includeTasks(Path playbookDir, String name, Location at, RoleContext role,
                                                List<IncludeStep> chain, ModuleTask including) {
        return withChain(playbookDir, chain, () -> {
            Path file = includes.taskFile(name, at.file(), role);
            List<Task> read = includes.taskFile(file, at, role, false, tasks, TaskParser.Inherited.from(including));
            return role == null ? read : Includes.titled(role.name(), read);
        });
    }

    /**
     * Where {@link #includeTasks} reads {@code name} from: absolute; else in the role's {@code tasks/} ({@code rolePath}
     * may be null), beside the including file, or in the playbook's directory, the first that exists (else the first).
     */
    public static Path includedFile(Path playbookDir, String name, Location at, Path rolePath) {
        return Includes.taskFile(playbookDir.toAbsolutePath().normalize(), name, at.file(), rolePath);
    }

    /** A role {@code include_role} runs: its blocks (dependencies first) and its handlers. */
    public record IncludedRole(List<Task> tasks, List<Task> handlers) {}

    public IncludedRole includeRole(Path playbookDir, String name, Location at, Map<String, Object> params,
                                    Map<String, Object> args, RoleContext caller, List<IncludeStep> chain) {
        return includeRole(playbookDir, name, at, params, args, caller, chain, null);
    }

    /** As above, the role's tasks inheriting from the include task as {@link #includeTasks} describes. */
    public synchronized IncludedRole includeRole(Path playbookDir, String name, Location at, Map<String, Object> params,
                                                 Map<String, Object> args, RoleContext caller, List<IncludeStep> chain,
                                                 ModuleTask including) {
        return withChain(playbookDir, chain, () -> {
            Includes.PlayRoles roles = includes.startPlay();
            List<Task> body = includes.role(new Includes.RoleRequest(name, at, params, Map.of(), str(args.get("tasks_from")),
                    str(args.get("vars_from")), str(args.get("defaults_from")), str(args.get("handlers_from")),
                    Fields.truthy(args.get("public"))), tasks, TaskParser.Inherited.from(including));
            return new IncludedRole(body, roles.handlers);
        });
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private <T> T withChain(Path playbookDir, List<IncludeStep> chain, java.util.function.Supplier<T> body) {
        List<Includes.Frame> frames = new ArrayList<>();
        for (IncludeStep step : chain) frames.add(new Includes.Frame(step.file().toAbsolutePath().normalize(), step.includedAt(), null));
        includes.startRuntime(playbookDir, frames);
        return body.get();
    }

    public synchronized Playbook parse(Path file) {
        YamlNode root;
        try {
            root = loader.load(file);
        } catch (IOException e) {
            throw new PlaybookException(Location.startOf(file), "cannot read playbook: " + e, e);
        }
        return parse(root, file);
    }

    /** Parses playbook text as if read from {@code file} (vars_files resolve against its directory). */
    public synchronized Playbook parse(String yaml, Path file) {
        return parse(loader.load(yaml, file), file);
    }

    private Playbook parse(YamlNode root, Path file) {
        includes.enterPlaybook(file, null);
        try {
            List<Play> plays = plays(root);
            checkDistinctServices(plays);
            return new Playbook(file, plays);
        } finally {
            includes.leavePlaybook();
        }
    }

    private List<Play> plays(YamlNode root) {
        if (!(root instanceof YamlSequence seq) || seq.items().isEmpty()) {
            throw new PlaybookException(root.location(), "a playbook must be a non-empty list of plays, got "
                    + (root instanceof YamlSequence ? "an empty list" : root.describe()));
        }
        List<Play> plays = new ArrayList<>();
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlMapping play)) throw Fields.wrongType("a play", item, "a mapping");
            if (play.has("import_playbook") || play.has("ansible.builtin.import_playbook")) {
                plays.addAll(importPlaybook(play));
            } else {
                plays.add(play(play, play.location().file()));
            }
        }
        return plays;
    }

    /**
     * {@code - import_playbook: other.yml} at the top of a playbook: its plays in place, read relative to this
     * playbook's directory; {@code vars} apply over each imported play's vars, {@code tags} add to its tags and
     * {@code when} guards each of its tasks.
     */
    private List<Play> importPlaybook(YamlMapping node) {
        String key = node.has("import_playbook") ? "import_playbook" : "ansible.builtin.import_playbook";
        for (String k : node.keys()) {
            if (!IMPORT_PLAYBOOK_KEYWORDS.contains(k)) {
                throw new PlaybookException(node.keyLocation(k), "'" + k + "' is not allowed next to import_playbook (allowed: name, tags, vars, when)");
            }
        }
        String name = Fields.requiredText(key, node.get(key), node);
        if (name.contains("{{")) {
            throw new PlaybookException(node.get(key).location(), "import_playbook's file name cannot be a template");
        }
        Location at = node.keyLocation(key);
        Path file = includes.playbookDir().resolve(name).normalize();
        YamlNode root = includes.read(file, at, "playbook");
        List<Play> imported = includes.withinPlaybook(file, at, () -> plays(root));
        Map<String, Object> vars = Fields.map("vars", node.get("vars"));
        List<String> tags = Fields.names("tags", node.get("tags"), true);
        List<Object> when = Fields.conditions("when", node.get("when"));
        List<Play> out = new ArrayList<>();
        for (Play p : imported) out.add(p.imported(vars, tags, when, at));
        return out;
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
        Includes.PlayRoles roles = includes.startPlay();
        // Ansible's order: pre_tasks, their handlers, roles, tasks, their handlers, post_tasks, their handlers.
        List<Task> taskList = new ArrayList<>(tasks.tasks("pre_tasks", node.get("pre_tasks"), false, inherited));
        if (!taskList.isEmpty()) taskList.add(TaskParser.implicitFlush(node.keyLocation("pre_tasks")));
        for (YamlNode entry : Fields.list("roles", node.get("roles"))) {
            taskList.add(roleEntry(entry, inherited));
        }
        taskList.addAll(tasks.tasks("tasks", node.get("tasks"), false, inherited));
        List<Task> post = tasks.tasks("post_tasks", node.get("post_tasks"), false, inherited);
        if (!post.isEmpty()) {
            taskList.add(TaskParser.implicitFlush(node.keyLocation("post_tasks")));
            taskList.addAll(post);
        }
        // Facts first, before pre_tasks, as Ansible gathers them.
        taskList = new ArrayList<>(FactGathering.prepend(node, inherited, taskList, env));
        List<Task> handlers = new ArrayList<>(roles.handlers); // role handlers first, as Ansible orders them
        handlers.addAll(tasks.tasks("handlers", node.get("handlers"), true, inherited));
        Map<String, Object> playVars = Fields.map("vars", node.get("vars"));
        playVars.putAll(prompted(node.get("vars_prompt")));
        checkNotifyTargets(taskList, handlers);
        checkNotifyTargets(handlers, handlers);
        RollbackPolicy rollback = rollback(node.get("rollback"));
        if (rollback != RollbackPolicy.NONE) {
            checkRollbackTargets(taskList);
            checkRollbackTargets(handlers);
        }
        String strategy = Fields.text("strategy", node.get("strategy"));
        ServiceSpec service = null;
        if (node.has(ServiceSpec.KEYWORD) && !(node.get(ServiceSpec.KEYWORD) instanceof YamlScalar s && s.isNull())) {
            if (!node.has("replicas")) {
                throw new PlaybookException(node.keyLocation(ServiceSpec.KEYWORD), "service needs replicas on the same play"
                        + " (its backends are the play's instances)");
            }
            service = ServiceSpec.parse(node.get(ServiceSpec.KEYWORD));
        }
        UpdatePolicy update = node.has(UpdatePolicy.KEYWORD) ? UpdatePolicy.parse(node.get(UpdatePolicy.KEYWORD)) : null;
        return new Play(
                Fields.text("name", node.get("name")),
                hosts(node),
                playVars,
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
                keywordLocations(node),
                service,
                update);
    }

    /** Two services of one playbook may not share a name or a port (every host would serve both on it). */
    private static void checkDistinctServices(List<Play> plays) {
        java.util.Map<String, ServiceSpec> byName = new java.util.HashMap<>();
        java.util.Map<String, ServiceSpec> byPort = new java.util.HashMap<>();
        for (Play p : plays) {
            ServiceSpec s = p.service();
            if (s == null || s.absent()) continue;
            ServiceSpec sameName = byName.putIfAbsent(s.name(), s);
            if (sameName != null) {
                throw new PlaybookException(s.location(), "service '" + s.name() + "' is declared twice (first at " + sameName.location() + ")");
            }
            ServiceSpec samePort = byPort.putIfAbsent(s.portKey(), s);
            if (samePort != null) {
                throw new PlaybookException(s.location(), "service '" + s.name() + "' uses port " + s.portKey() + ", as service '"
                        + samePort.name() + "' does (at " + samePort.location() + ")");
            }
        }
    }

    /**
     * A {@code roles:} entry as a block: the role's blocks (its meta dependencies first), under the entry's
     * {@code when}, {@code tags} and keywords (become, no_log, ...).
     */
    private Task roleEntry(YamlNode entry, TaskParser.Inherited inherited) {
        Includes.RoleRequest req = includes.roleRequest(entry, true);
        TaskParser.Inherited own = entry instanceof YamlMapping m ? inherited.under(m) : inherited;
        List<Task> body = includes.role(req, tasks, own);
        YamlMapping m = entry instanceof YamlMapping mm ? mm : null;
        return new Block(null, body, List.of(), List.of(),
                m == null ? List.of() : Fields.conditions("when", m.get("when")),
                m == null ? List.of() : Fields.names("tags", m.get("tags"), true),
                Map.of(), m != null && Fields.bool("ignore_errors", m.get("ignore_errors"), false),
                m == null ? Map.of() : Fields.map("environment", m.get("environment")),
                own.delegateTo(), own.noLog(), own.connection(), own.runOnce(), entry.location(),
                m == null ? Map.of() : TaskParser.keyLocations(m));
    }

    /** The answers to a play's {@code vars_prompt}, asked in order. */
    private Map<String, Object> prompted(YamlNode node) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (YamlNode item : Fields.list("vars_prompt", node)) {
            YamlMapping p = Fields.mapping("a vars_prompt entry", item);
            for (String key : p.keys()) {
                if (!PROMPT_KEYS.contains(key)) {
                    throw new PlaybookException(p.keyLocation(key), "unknown vars_prompt key '" + key + "'"
                            + Suggestions.didYouMean(key, PROMPT_KEYS));
                }
            }
            if (p.has("encrypt")) {
                throw new PlaybookException(p.keyLocation("encrypt"), "vars_prompt 'encrypt' (password hashing) is not supported by jplay");
            }
            String name = Fields.identifier("name", p.get("name"));
            if (name == null) throw new PlaybookException(p.location(), "vars_prompt entry needs 'name:'");
            String prompt = Fields.text("prompt", p.get("prompt"));
            Object dflt = p.has("default") ? p.get("default").toJava() : null;
            out.put(name, prompter.answer(name, prompt == null ? name : prompt, Fields.bool("private", p.get("private"), true),
                    dflt, Fields.bool("confirm", p.get("confirm"), false), p.get("name").location()));
        }
        return out;
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

    /** Handler names and listen topics; a role's handlers also as "role : name", as Ansible accepts them. */
    private static void addTargets(List<Task> handlers, RoleContext role, Set<String> targets) {
        for (Task h : handlers) {
            if (h instanceof Block b) {
                addTargets(b.block(), b.role() != null ? b.role() : role, targets);
            } else if (h instanceof ModuleTask m) {
                if (m.name() != null) targets.add(m.name());
                if (m.name() != null && role != null) targets.add(role.name() + " : " + m.name());
                targets.addAll(m.listen());
            }
        }
    }

    /** A notify that matches no handler name or listen topic is a typo: report it where it was written. */
    private static void checkNotifyTargets(List<Task> notifiers, List<Task> handlers) {
        Set<String> targets = new HashSet<>();
        addTargets(handlers, null, targets);
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
