package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlLoader;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import dev.jplay.engine.yaml.YamlSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the files a playbook pulls in — task files ({@code import_tasks}, {@code include_tasks}), roles (their
 * {@code tasks/}, {@code handlers/}, {@code defaults/}, {@code vars/} and {@code meta/} dependencies) and
 * playbooks ({@code import_playbook}) — keeping the chain of files that led to each, so a missing file, a cycle or
 * a mistake inside an included file is reported at its file:line:col with the chain that included it.
 *
 * <p>Roles are searched as Ansible does: the including role's parent directory (for meta dependencies), then
 * {@code roles/} beside the playbook, then each directory of {@code JPLAY_ROLES_PATH} and
 * {@code ANSIBLE_ROLES_PATH} (colon-separated; when neither is set, Ansible's default {@code ~/.ansible/roles},
 * {@code /usr/share/ansible/roles}, {@code /etc/ansible/roles}), then the playbook's directory. A role name containing {@code /} is a
 * path relative to the playbook's directory. One parse at a time: the chain is this object's state.
 */
final class Includes {
    /** The file names Ansible tries for a role's {@code main} (and for {@code tasks_from: NAME}). */
    private static final List<String> EXTENSIONS = List.of(".yml", ".yaml", "", ".json");
    static final Set<String> ROLE_ENTRY_KEYWORDS = Set.of("role", "name", "vars", "when", "tags", "environment",
            "become", "become_user", "become_method", "become_flags", "no_log", "connection", "remote_user",
            "delegate_to", "run_once", "ignore_errors");

    private final YamlLoader loader;
    private final List<Path> rolesPath;
    private final Deque<Frame> chain = new ArrayDeque<>();
    private Path playbookDir;
    private PlayRoles playRoles = new PlayRoles();
    /**
     * How many frames at the bottom of the chain are dynamic includes that already ran: for messages only, since a
     * file may include itself dynamically under a condition (the runner bounds the depth instead).
     */
    private int runtimeFrames;

    /** One file being read, the place that included it (null for the playbook) and the role it belongs to. */
    record Frame(Path file, Location includedAt, RoleContext role) {}

    /** What a play's roles have brought so far: which ran (Ansible runs a role once per play) and their handlers. */
    static final class PlayRoles {
        final Set<String> ran = new HashSet<>();
        final Set<String> handlersLoaded = new HashSet<>();
        final List<Task> handlers = new ArrayList<>();
    }

    Includes(YamlLoader loader, Function<String, String> env) {
        this.loader = loader;
        List<Path> path = new ArrayList<>();
        for (String var : List.of("JPLAY_ROLES_PATH", "ANSIBLE_ROLES_PATH")) {
            String value = env.apply(var);
            if (value == null) continue;
            for (String dir : value.split(":")) {
                if (!dir.isBlank()) path.add(Path.of(dir.startsWith("~/") ? System.getProperty("user.home") + dir.substring(1) : dir));
            }
        }
        if (path.isEmpty()) { // Ansible's default roles_path when neither variable sets one
            path.add(Path.of(System.getProperty("user.home"), ".ansible", "roles"));
            path.add(Path.of("/usr/share/ansible/roles"));
            path.add(Path.of("/etc/ansible/roles"));
        }
        this.rolesPath = List.copyOf(path);
    }

    /** Starts reading a playbook file (the top of the chain, or an {@code import_playbook} below it). */
    void enterPlaybook(Path file, Location includedAt) {
        chain.clear();
        runtimeFrames = 0;
        Path abs = file.toAbsolutePath().normalize();
        checkCycle(abs, includedAt);
        chain.push(new Frame(abs, includedAt, null));
        playbookDir = abs.getParent();
    }

    /** Reads an imported playbook: its relative paths and roles resolve against its own directory. */
    <T> T withinPlaybook(Path file, Location includedAt, java.util.function.Supplier<T> body) {
        Path abs = file.toAbsolutePath().normalize();
        checkCycle(abs, includedAt);
        Path previous = playbookDir;
        playbookDir = abs.getParent();
        try {
            return within(new Frame(abs, includedAt, null), body);
        } finally {
            playbookDir = previous;
        }
    }

    /** For includes read while the play runs: the play's playbook directory and the chain of includes so far. */
    void startRuntime(Path playbookDir, List<Frame> frames) {
        chain.clear();
        runtimeFrames = frames.size();
        this.playbookDir = playbookDir.toAbsolutePath().normalize();
        for (Frame f : frames) chain.push(f);
    }

    void leavePlaybook() {
        chain.pop();
        Frame up = chain.peek();
        if (up != null) playbookDir = up.file().getParent();
    }

    /** Starts a play: roles run once per play, each play collects its roles' handlers. */
    PlayRoles startPlay() {
        playRoles = new PlayRoles();
        return playRoles;
    }

    Path playbookDir() {
        return playbookDir;
    }

    /** The role of the file being read, or null. */
    RoleContext currentRole() {
        for (Frame f : chain) if (f.role() != null) return f.role();
        return null;
    }

    /**
     * Where a task file named by {@code import_tasks}/{@code include_tasks} is: absolute; else in the current
     * role's {@code tasks/} dir, beside the including file, or in the playbook's dir (the first that exists).
     */
    Path taskFile(String name, Path includingFile, RoleContext role) {
        return taskFile(playbookDir, name, includingFile, role == null ? null : role.path());
    }

    static Path taskFile(Path playbookDir, String name, Path includingFile, Path rolePath) {
        Path p = Path.of(name);
        if (p.isAbsolute()) return p.normalize();
        List<Path> candidates = new ArrayList<>();
        if (rolePath != null) candidates.add(rolePath.resolve("tasks").resolve(p));
        if (includingFile != null) candidates.add(includingFile.toAbsolutePath().getParent().resolve(p));
        if (playbookDir != null) candidates.add(playbookDir.resolve(p));
        for (Path c : candidates) if (Files.isRegularFile(c)) return c.normalize();
        return candidates.get(0).normalize();
    }

    /** The tasks of a task file, read under {@code includedAt} (an import or an include). */
    List<Task> taskFile(Path file, Location includedAt, RoleContext role, boolean handlers, TaskParser parser,
                        TaskParser.Inherited inherited) {
        YamlNode root = read(file, includedAt, "tasks file");
        return within(new Frame(file, includedAt, role), () -> {
            if (root instanceof YamlScalar s && s.isNull()) return List.<Task>of();
            if (!(root instanceof YamlSequence)) throw Fields.wrongType("a tasks file", root, "a list of tasks");
            return parser.tasks(handlers ? "handlers" : "tasks", root, handlers, inherited);
        });
    }

    /**
     * What a play, {@code import_role} or {@code include_role} asks of a role. {@code entryVars}: a {@code roles:}
     * entry's {@code vars:}, which Ansible merges into the role's vars (so, like them, the whole play sees them);
     * {@code params}: its other keys, or {@code include_role}/{@code import_role}'s {@code vars:}, for the role's
     * tasks only.
     */
    record RoleRequest(String name, Location at, Map<String, Object> params, Map<String, Object> entryVars, String tasksFrom, String varsFrom,
                       String defaultsFrom, String handlersFrom, boolean exposed) {}

    /**
     * A role as blocks to run: its meta dependencies' blocks first, then its own block (its tasks with their role
     * context). A role (same directory, entry file and params) that already ran in this play is left out unless its
     * meta says {@code allow_duplicates: true}. Its handlers go to the play's handlers.
     */
    List<Task> role(RoleRequest req, TaskParser parser, TaskParser.Inherited inherited) {
        Path dir = findRole(req.name(), req.at());
        String name = dir.getFileName().toString();
        for (Frame f : chain) {
            if (f.role() != null && f.role().path().equals(dir) && f.file().getParent().getFileName().toString().equals("meta")) {
                throw located(req.at(), "role dependency cycle: role '" + name + "' depends on itself");
            }
        }
        Map<String, Object> defaults = varsOf(dir, "defaults", req.defaultsFrom(), req.at());
        Map<String, Object> vars = new LinkedHashMap<>(varsOf(dir, "vars", req.varsFrom(), req.at()));
        vars.putAll(req.entryVars());
        RoleContext role = new RoleContext(name, dir, defaults, vars, req.params(), req.exposed());
        Path metaFile = mainFile(dir.resolve("meta"), "main");
        boolean allowDuplicates = false;
        List<Task> out = new ArrayList<>();
        if (metaFile != null) {
            YamlNode meta = read(metaFile, req.at(), "role meta file");
            if (meta instanceof YamlMapping m) {
                allowDuplicates = Fields.bool("allow_duplicates", m.get("allow_duplicates"), false);
                within(new Frame(metaFile, req.at(), role), () -> {
                    for (YamlNode dep : Fields.list("dependencies", m.get("dependencies"))) {
                        out.addAll(role(roleRequest(dep, req.exposed()), parser, inherited));
                    }
                    return null;
                });
            } else if (!(meta instanceof YamlScalar s && s.isNull())) {
                throw Fields.wrongType("a role meta file", meta, "a mapping");
            }
        }
        String key = dir + "|" + req.tasksFrom() + "|" + req.params() + "|" + req.entryVars();
        if (!playRoles.ran.add(key) && !allowDuplicates) return out;
        Path tasksFile = req.tasksFrom() == null ? mainFile(dir.resolve("tasks"), "main")
                : required(mainFile(dir.resolve("tasks"), req.tasksFrom()), dir.resolve("tasks").resolve(req.tasksFrom()), req.at(), "tasks_from");
        List<Task> body = tasksFile == null ? List.of()
                : titled(name, taskFile(tasksFile, req.at(), role, false, parser, inherited));
        String handlersKey = dir + "|" + req.handlersFrom();
        if (playRoles.handlersLoaded.add(handlersKey)) {
            Path handlersFile = req.handlersFrom() == null ? mainFile(dir.resolve("handlers"), "main")
                    : required(mainFile(dir.resolve("handlers"), req.handlersFrom()), dir.resolve("handlers").resolve(req.handlersFrom()), req.at(), "handlers_from");
            if (handlersFile != null) {
                List<Task> handlers = taskFile(handlersFile, req.at(), role, true, parser, inherited);
                if (!handlers.isEmpty()) playRoles.handlers.add(roleBlock(role, handlers, req.at()));
            }
        }
        out.add(roleBlock(role, body, req.at()));
        return out;
    }

    /** A {@code roles:} entry or a meta dependency: a name, or a mapping with {@code role:} and its params. */
    RoleRequest roleRequest(YamlNode entry, boolean exposed) {
        if (entry instanceof YamlScalar s && s.value() instanceof String name && !name.isBlank()) {
            return new RoleRequest(name.strip(), entry.location(), Map.of(), Map.of(), null, null, null, null, exposed);
        }
        if (!(entry instanceof YamlMapping m)) throw Fields.wrongType("a role", entry, "a role name or a mapping with 'role:'");
        String key = m.has("role") ? "role" : "name";
        String name = Fields.requiredText("role", m.get(key), m);
        Map<String, Object> params = new LinkedHashMap<>();
        for (YamlMapping.Entry e : m.entries()) { // any other key is a role param, as in Ansible
            if (!ROLE_ENTRY_KEYWORDS.contains(e.key())) params.put(e.key(), e.value().toJava());
        }
        return new RoleRequest(name, m.get(key).location(), params, Fields.map("vars", m.get("vars")), null, null, null, null, exposed);
    }

    private Block roleBlock(RoleContext role, List<Task> tasks, Location at) {
        return new Block(null, tasks, List.of(), List.of(), List.of(), List.of(), Map.of(), false, Map.of(), null, false,
                null, false, at, Map.of(), role);
    }

    /** Role tasks show as "role : name" (unnamed: "role : module"), as Ansible titles them. */
    static List<Task> titled(String role, List<Task> tasks) {
        List<Task> out = new ArrayList<>();
        for (Task t : tasks) {
            if (t instanceof ModuleTask m && !m.module().equals("meta")) {
                out.add(m.withName(role + " : " + m.displayName()));
            } else if (t instanceof Block b && b.role() == null) {
                out.add(new Block(b.name(), titled(role, b.block()), titled(role, b.rescue()), titled(role, b.always()), b.when(),
                        b.tags(), b.vars(), b.ignoreErrors(), b.environment(), b.delegateTo(), b.noLog(), b.connection(),
                        b.runOnce(), b.location(), b.keyLocations(), null));
            } else {
                out.add(t);
            }
        }
        return out;
    }

    /** The role's directory on the search path. */
    Path findRole(String name, Location at) {
        List<Path> searched = new ArrayList<>();
        if (name.contains("/")) {
            searched.add(playbookDir.resolve(name));
        } else {
            RoleContext current = currentRole();
            if (current != null) searched.add(current.path().getParent().resolve(name));
            searched.add(playbookDir.resolve("roles").resolve(name));
            for (Path dir : rolesPath) searched.add(dir.resolve(name));
            searched.add(playbookDir.resolve(name));
        }
        for (Path p : searched) if (Files.isDirectory(p)) return p.toAbsolutePath().normalize();
        throw located(at, "role '" + name + "' not found (looked in " + searched.stream()
                .map(Path::toString).distinct().reduce((a, b) -> a + ", " + b).orElse("") + ")");
    }

    private Map<String, Object> varsOf(Path roleDir, String sub, String from, Location at) {
        Path file = from == null ? mainFile(roleDir.resolve(sub), "main")
                : required(mainFile(roleDir.resolve(sub), from), roleDir.resolve(sub).resolve(from), at, sub + "_from");
        if (file == null) return Map.of();
        YamlNode root = read(file, at, "role " + sub + " file");
        if (root instanceof YamlScalar s && s.isNull()) return Map.of();
        return Fields.map("a role " + sub + " file", root);
    }

    private Path required(Path found, Path wanted, Location at, String keyword) {
        if (found != null) return found;
        throw located(at, keyword + ": no file " + wanted + "{" + String.join(",", EXTENSIONS) + "}");
    }

    /** {@code dir/NAME.yml}, {@code .yaml}, bare, {@code .json}: the first that exists, or null. */
    private static Path mainFile(Path dir, String name) {
        for (String ext : EXTENSIONS) {
            Path p = dir.resolve(name + ext);
            if (Files.isRegularFile(p)) return p.toAbsolutePath().normalize();
        }
        return null;
    }

    /** Reads an included file; a missing one is an error where it was included, with the chain. */
    YamlNode read(Path file, Location includedAt, String what) {
        checkCycle(file.toAbsolutePath().normalize(), includedAt);
        try {
            return loader.load(file);
        } catch (NoSuchFileException e) {
            throw located(includedAt, what + " " + file + " not found");
        } catch (IOException e) {
            throw located(includedAt, "cannot read " + what + " " + file + ": " + e);
        }
    }

    /** An error at {@code at} whose message ends with the include chain. */
    PlaybookException located(Location at, String problem) {
        return new IncludedException(at, problem + chainText(), null);
    }

    private void checkCycle(Path file, Location includedAt) {
        int staticFrames = chain.size() - runtimeFrames;
        for (Frame f : chain) {
            if (staticFrames-- <= 0) break;
            if (f.file().equals(file)) {
                throw located(includedAt, "include cycle: " + file + " includes itself");
            }
        }
    }

    /** Reads inside {@code frame}; a mistake found inside carries the chain that led there (once, innermost). */
    <T> T within(Frame frame, java.util.function.Supplier<T> body) {
        chain.push(frame);
        try {
            return body.get();
        } catch (IncludedException e) {
            throw e;
        } catch (PlaybookException e) {
            throw new IncludedException(e.location(), e.problem() + chainText(), e);
        } finally {
            chain.pop();
        }
    }

    /** " (included from a.yml:3:5, from play.yml:10:7)": the places that led to the file being read, innermost first. */
    String chainText() {
        List<String> at = new ArrayList<>();
        for (Iterator<Frame> it = chain.iterator(); it.hasNext(); ) {
            Frame f = it.next();
            if (f.includedAt() != null) at.add(f.includedAt().toString());
        }
        return at.isEmpty() ? "" : " (included from " + String.join(", from ", at) + ")";
    }

    /** A mistake inside an included file, its message carrying the include chain. */
    static final class IncludedException extends PlaybookException {
        IncludedException(Location at, String problemWithChain, Throwable cause) {
            super(at, problemWithChain, cause);
        }
    }
}
