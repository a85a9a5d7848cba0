package dev.jplay.engine.run;

import dev.jplay.engine.fleet.PoolRoutes;
import dev.jplay.engine.playbook.Block;
import dev.jplay.engine.playbook.BecomeKeywords;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.playbook.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task jplay puts first in a play whose replicas use a pool with a block per host: the agent module
 * {@code pool_routes} with the host's {@value PoolRoutes#VARIABLE}, so each host's routes to the other hosts' blocks
 * follow the placement on every run (added as hosts join, removed as they leave or are scaled to zero). Tagged
 * {@code always}; it runs as the play's first task does (its become, connection and login user), since routes need
 * the same privileges as the containers.
 */
final class PoolRoutesTask {
    static final String NAME = "pool routes (jplay)";

    private PoolRoutesTask() {}

    static Play prepend(Play play) {
        ModuleTask like = firstModuleTask(play.tasks());
        Map<String, Object> args = new LinkedHashMap<>();
        for (String key : List.of("pool", "cidr", "routes", "keep")) args.put(key, "{{ " + PoolRoutes.VARIABLE + "." + key + " }}");
        ModuleTask routes = new ModuleTask(NAME, "pool_routes", args, List.of(), null, null, List.of(), false, null, null,
                List.of("always"), null, Map.of(), null, like == null ? null : like.remoteUser(), Map.of(), null, false,
                like == null ? null : like.connection(), false, like == null ? BecomeKeywords.NONE : like.become(), List.of(),
                play.location(), Map.of());
        List<Task> tasks = new ArrayList<>();
        tasks.add(routes);
        tasks.addAll(play.tasks());
        return play.withTasks(tasks);
    }

    private static ModuleTask firstModuleTask(List<Task> tasks) {
        for (Task t : tasks) {
            if (dev.jplay.engine.playbook.FactGathering.isGathering(t)) continue; // runs as the play, not as its tasks
            if (t instanceof ModuleTask m) return m;
            if (t instanceof Block b) {
                ModuleTask inner = firstModuleTask(b.block());
                if (inner != null) return inner;
            }
        }
        return null;
    }
}
