package dev.jplay.engine.run;

import java.util.List;

/** Strategy {@code free}: each host of the batch runs through the tasks on its own, as fast as it goes. */
final class FreeStrategy implements PlayStrategy {
    private final BlockRunner blocks;
    private final Forks forks;

    FreeStrategy(BlockRunner blocks, Forks forks) {
        this.blocks = blocks;
        this.forks = forks;
    }

    @Override
    public void runTasks(PlayContext ctx, List<HostRun> batch, TaskScope scope, BatchState state) {
        forks.forEachHost(batch, h -> blocks.runTasks(ctx, List.of(h), ctx.play().tasks(), scope, state, false));
    }
}
