package dev.jplay.engine.playbook;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --start-at-task NAME}: the playbook without the tasks before the first task named NAME (its title, such as
 * "role : name", or its bare name; shell-style wildcards as in Ansible). Plays before it keep no tasks (their fact
 * gathering neither); the play it is in keeps its gathering, as Ansible's does; a block
 * holding it keeps the tasks from it on, with its rescue and always. Like Ansible's, it sees the tasks the playbook
 * holds when parsed (roles, imports), not those of a dynamic {@code include_tasks}.
 */
public final class StartAtTask {
    private final String pattern;
    private final PathMatcher glob;
    private boolean found;

    private StartAtTask(String pattern) {
        this.pattern = pattern;
        PathMatcher m = null;
        if (pattern.contains("*") || pattern.contains("?") || pattern.contains("[")) {
            try {
                m = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("/", "\\/"));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                m = null; // not a valid wildcard: matched literally
            }
        }
        this.glob = m;
    }

    /** @throws IllegalArgumentException when no task matches */
    public static Playbook apply(Playbook playbook, String name) {
        StartAtTask s = new StartAtTask(name);
        List<Play> plays = new ArrayList<>();
        for (Play p : playbook.plays()) {
            if (s.found) {
                plays.add(p);
                continue;
            }
            List<Task> rest = s.from(p.tasks());
            Task first = p.tasks().isEmpty() ? null : p.tasks().get(0);
            if (s.found && FactGathering.isGathering(first) && (rest.isEmpty() || rest.get(0) != first)) {
                rest.add(0, first); // as in Ansible, the play the task is in still gathers facts first
            }
            plays.add(p.withTasks(rest));
        }
        if (!s.found) throw new IllegalArgumentException("--start-at-task: no task matches '" + name + "'"
                + " (tasks in files read by include_tasks are not seen: only those of the playbook, its roles and imports)");
        return new Playbook(playbook.file(), plays);
    }

    private List<Task> from(List<Task> tasks) {
        List<Task> out = new ArrayList<>();
        for (Task t : tasks) {
            if (found) {
                out.add(t);
            } else if (t instanceof ModuleTask m) {
                if (matches(m)) {
                    found = true;
                    out.add(t);
                }
            } else if (t instanceof Block b) {
                List<Task> body = from(b.block());
                if (found) {
                    out.add(new Block(b.name(), body, b.rescue(), b.always(), b.when(), b.tags(), b.vars(), b.ignoreErrors(),
                            b.environment(), b.delegateTo(), b.noLog(), b.connection(), b.runOnce(), b.location(),
                            b.keyLocations(), b.role()));
                }
            }
        }
        return out;
    }

    private boolean matches(ModuleTask m) {
        if (m.module().equals("meta") && m.name() == null) return false;
        String title = m.displayName();
        int role = title.indexOf(" : ");
        String bare = role < 0 ? title : title.substring(role + 3);
        for (String candidate : List.of(title, bare)) {
            if (candidate.equals(pattern)) return true;
            if (glob != null && !candidate.contains("/") && glob.matches(Path.of(candidate))) return true;
        }
        return false;
    }
}
