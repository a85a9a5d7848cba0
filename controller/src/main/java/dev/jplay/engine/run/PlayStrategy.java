package dev.jplay.engine.run;

import java.util.List;

/**
 * How the hosts of a batch go through a play's tasks: {@link LinearStrategy} (each task on every host before the next
 * task) or {@link FreeStrategy} (each host through the tasks at its own pace).
 */
interface PlayStrategy {
    void runTasks(PlayContext ctx, List<HostRun> batch, TaskScope scope, BatchState state);
}
