package dev.jplay.runtime.unpack;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Small-file writes of one {@link ConfinedTree} handed to a few threads, so creating thousands of files
 * (open(O_CREAT|O_EXCL), write, close, utimensat: latency, not CPU) overlaps with inflating and parsing the tar.
 *
 * <p>The tree keeps the confinement argument intact by waiting ({@link #awaitAll()}) before anything that removes,
 * replaces or inspects an existing entry, and before any operation on a path that is, or is under, a write in
 * flight: so while writes run, the tree only ever adds entries, and their verified parent directories stay
 * what they were verified to be. Failures surface on the next {@link #submit} or {@link #awaitAll()}.
 */
final class ParallelWrites implements AutoCloseable {
    @FunctionalInterface
    interface Write {
        void run() throws IOException;
    }

    private final ExecutorService pool;
    private final int maxInFlight;
    private final Semaphore slots;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    ParallelWrites(int threads, int maxInFlight) {
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "jplay-unpack-write-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.maxInFlight = maxInFlight;
        this.slots = new Semaphore(maxInFlight);
    }

    /** Runs {@code write} (which creates {@code rel}) on a pool thread; blocks while too many are in flight. */
    void submit(String rel, Write write) throws IOException {
        rethrow();
        acquire(1);
        inFlight.add(rel);
        try {
            pool.execute(() -> {
                try {
                    write.run();
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, new IOException(e.toString(), e));
                } finally {
                    inFlight.remove(rel); // before the slot: an awaitAll() that returns sees an empty set
                    slots.release();
                }
            });
        } catch (RuntimeException rejected) {
            inFlight.remove(rel);
            slots.release();
            throw new IOException("cannot schedule the write of " + rel + ": " + rejected, rejected);
        }
    }

    /** True if {@code rel} or one of its parents is being written. */
    boolean touches(String rel) {
        if (inFlight.isEmpty()) {
            return false;
        }
        for (String path = rel; !path.isEmpty(); path = EntryPaths.parent(path)) {
            if (inFlight.contains(path)) {
                return true;
            }
        }
        return false;
    }

    /** Waits until no write is in flight, then throws the first failure, if any. */
    void awaitAll() throws IOException {
        acquire(maxInFlight);
        slots.release(maxInFlight);
        rethrow();
    }

    private void acquire(int permits) throws IOException {
        try {
            slots.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for file writes", e);
        }
    }

    private void rethrow() throws IOException {
        IOException e = failure.get();
        if (e instanceof UnpackException) {
            throw e;
        }
        if (e != null) {
            throw new UnpackException("writing a file failed: " + e, e);
        }
    }

    /** Waits for writes in flight (ignoring their failures) and stops the threads. */
    @Override
    public void close() {
        slots.acquireUninterruptibly(maxInFlight);
        slots.release(maxInFlight);
        pool.shutdown();
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
