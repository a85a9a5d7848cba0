package dev.jplay.engine.run;

import dev.jplay.engine.playbook.IncludeStep;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.playbook.Task;
import dev.jplay.engine.yaml.PlaybookException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The second half of {@code include_tasks}/{@code include_role} (Ansible's dynamic includes): the include ran on
 * each host as a task (its {@code when} and {@code loop} evaluated there, each item counted as ok, as Ansible
 * counts "included"), leaving what it included; this reads those files and runs their tasks on the hosts that
 * included the same file with the same item, in item order, with the include's {@code vars} and loop variable.
 * The include's own {@code when} and {@code tags} do not pass to the included tasks (as in Ansible). A role included
 * with {@code public: true} shows its defaults and vars to the rest of the play ({@link PlayContext#exposeIncludedRole}).
 */
final class IncludeRunner {
    /** Includes inside includes deeper than this are a runaway recursion (a file may include itself under a condition). */
    static final int MAX_DEPTH = 64;

    private final PlaybookParser parser;
    private final TaskExecutor executor;

    IncludeRunner(PlaybookParser parser, TaskExecutor executor) {
        this.parser = parser;
        this.executor = executor;
    }

    static boolean isInclude(ModuleTask t) {
        return t.module().equals("include_tasks") || t.module().equals("include_role");
    }

    interface Body {
        void run(List<HostRun> hosts, List<Task> tasks, TaskScope scope);
    }

    void runIncluded(PlayContext ctx, List<HostRun> hosts, ModuleTask t, TaskScope scope, Body body) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (HostRun h : hosts) {
            for (HostRun.Included inc : h.takeIncluded(t)) {
                groups.computeIfAbsent(inc.args() + "|" + inc.loopVars(), k -> new Group(inc)).hosts.add(h);
            }
        }
        for (Group g : groups.values()) {
            List<HostRun> live = g.hosts.stream().filter(HostRun::active).toList();
            if (live.isEmpty()) continue;
            Map<String, Object> vars = new LinkedHashMap<>(g.inc.loopVars());
            TaskScope inner;
            List<Task> tasks;
            try {
                if (scope.includes().size() >= MAX_DEPTH) {
                    throw new PlaybookException(t.location(), "includes nested over " + MAX_DEPTH + " deep: a file that includes itself needs a condition that ends it");
                }
                if (t.module().equals("include_tasks")) {
                    Object file = g.inc.args().getOrDefault(PlaybookParser.RAW_PARAMS, g.inc.args().get("file"));
                    String name = String.valueOf(file);
                    IncludeStep step = new IncludeStep(PlaybookParser.includedFile(ctx.playbookDir(), name, t.location(),
                            scope.role() == null ? null : scope.role().path()), t.location());
                    tasks = parser.includeTasks(ctx.playbookDir(), name, t.location(), scope.role(), scope.includes(), t);
                    Map<String, Object> all = new LinkedHashMap<>(t.vars());
                    all.putAll(vars);
                    inner = scope.enter(List.of(), List.of(), all, Map.of(), false).enterInclude(step);
                } else {
                    PlaybookParser.IncludedRole role = parser.includeRole(ctx.playbookDir(), String.valueOf(g.inc.args().get("name")),
                            t.location(), t.vars(), g.inc.args(), scope.role(), scope.includes(), t);
                    ctx.addIncludedHandlers(role.handlers());
                    tasks = role.tasks();
                    ctx.exposeIncludedRole(tasks); // public: true marks its blocks' roles exposed; else nothing changes
                    inner = scope.enter(List.of(), List.of(), vars, Map.of(), false)
                            .enterInclude(new IncludeStep(t.location().file(), t.location()));
                }
            } catch (PlaybookException e) {
                for (HostRun h : live) executor.includeFailed(ctx, h, t, e.getMessage());
                continue;
            }
            body.run(live, tasks, inner);
        }
    }

    private static final class Group {
        final HostRun.Included inc;
        final List<HostRun> hosts = new ArrayList<>();

        Group(HostRun.Included inc) {
            this.inc = inc;
        }
    }
}
