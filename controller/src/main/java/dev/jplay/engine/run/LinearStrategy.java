package dev.jplay.engine.run;

import java.util.List;

/** Strategy {@code linear} (the default): each task runs on every host of the batch before the next task starts. */
final class LinearStrategy implements PlayStrategy {
    private final BlockRunner blocks;

    LinearStrategy(BlockRunner blocks) {
        this.blocks = blocks;
    }

    @Override
    public void runTasks(PlayContext ctx, List<HostRun> batch, TaskScope scope, BatchState state) {
        blocks.runTasks(ctx, batch, ctx.play().tasks(), scope, state, true);
    }
}
