package dev.jplay.engine.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The run's worker threads ({@code --forks}): work on a list of hosts at once, each host on a thread of its own. */
final class Forks implements AutoCloseable {
    private final ExecutorService workers;

    Forks(int forks) {
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(forks, r -> {
            Thread t = new Thread(r, "jplay-fork-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code work} for every host and waits for all; the first runtime exception is rethrown after. */
    void forEachHost(List<HostRun> batch, Consumer<HostRun> work) {
        if (batch.size() == 1) {
            work.accept(batch.get(0));
            return;
        }
        List<Future<?>> futures = new ArrayList<>(batch.size());
        for (HostRun h : batch) futures.add(workers.submit(() -> work.accept(h)));
        RuntimeException first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re && first == null) first = re;
                else if (e.getCause() instanceof Error err) throw err;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new RunInterruptedException();
            }
        }
        if (first != null) throw first;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
