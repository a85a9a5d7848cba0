package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Loop;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.vars.VariableScope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code loop_control.parallel}: up to that many items of this host in flight at once (the agent serves
 * requests concurrently), every item run to its end as in a sequential loop; results in the items' order.
 */
final class ParallelItems {
    private final TaskAttempt attempt;

    /** Threads for the items of loops with {@code loop_control.parallel}; idle ones end after a minute. */
    private final ExecutorService itemPool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jplay-loop-item");
        t.setDaemon(true);
        return t;
    });

    ParallelItems(TaskAttempt attempt) {
        this.attempt = attempt;
    }

    List<SingleResult> runConcurrently(PlayContext play, HostRun host, ModuleTask task, TaskScope scope, VariableScope vars,
                                       Loop loop, List<?> items) {
        Semaphore slots = new Semaphore(loop.parallel());
        List<Future<SingleResult>> futures = new ArrayList<>(items.size());
        try {
            for (int i = 0; i < items.size(); i++) {
                VariableScope itemVars = ItemLoop.itemVars(vars, loop, items, i);
                Object item = items.get(i);
                slots.acquire();
                try {
                    futures.add(itemPool.submit(() -> {
                        try {
                            return attempt.runOnce(play, host, task, scope, itemVars, item, loop.label());
                        } finally {
                            slots.release();
                        }
                    }));
                } catch (RuntimeException e) {
                    slots.release();
                    throw e;
                }
            }
            List<SingleResult> singles = new ArrayList<>(items.size());
            for (Future<SingleResult> f : futures) singles.add(f.get());
            return singles;
        } catch (InterruptedException e) {
            for (Future<SingleResult> f : futures) f.cancel(true);
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        } catch (ExecutionException e) {
            for (Future<SingleResult> f : futures) f.cancel(true);
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
