package dev.jplay.runtime.fs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A lock file held by a live process: an exclusive {@code fcntl} lock (what {@link FileChannel#lock} takes on
 * Linux) that the kernel drops when the process dies, however it dies. So "can I take this lock?" answers "does a
 * live process own what it guards?" without pids (which are reused) or ages (a slow pull is not a dead one).
 *
 * <p>Within one JVM the same lock file must never be opened twice: POSIX drops all of a process's locks on a file
 * when <em>any</em> descriptor of it is closed, so a second channel (a cleaner's look, a waiting thread) would
 * silently free the first holder's lock. Each lock file therefore has one slot per JVM (a semaphore): threads
 * queue on it, and only the slot's holder opens the file.
 */
public final class FileClaim implements Closeable {
    private static final ConcurrentHashMap<Path, Slot> SLOTS = new ConcurrentHashMap<>();

    /** A lock file's in-JVM slot; {@code users} counts holders and waiters so the entry goes when nobody needs it. */
    private static final class Slot {
        final Semaphore permit = new Semaphore(1);
        int users;
    }

    private final Path file;
    private final FileChannel channel;
    private boolean closed;

    private FileClaim(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    public Path file() {
        return file;
    }

    /** Takes the lock on {@code file} (created if missing), waiting for holders in this JVM and in other processes. */
    public static FileClaim acquire(Path file) throws IOException {
        Path key = key(file);
        Slot slot = enter(key);
        try {
            slot.permit.acquire();
        } catch (InterruptedException e) {
            leave(key);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the lock " + file);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            waitForLock(channel, file);
            return new FileClaim(key, channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            release(key, slot);
            throw e;
        }
    }

    /**
     * Polls with {@code tryLock} instead of blocking in {@code lock()}: the kernel's deadlock detection for fcntl
     * locks counts a whole process as the holder, so two agents whose pull threads each held one layer's ingest lock
     * and waited for the other's got EDEADLK ("Resource deadlock avoided", seen in SharedHostStoresIT) although
     * each lock was released by its own, unblocked thread. The pause doubles from 1 to 50 ms: what waits here
     * waits for another agent's download or mount, which takes far longer.
     */
    private static void waitForLock(FileChannel channel, Path file) throws IOException {
        long pauseMillis = 1;
        while (channel.tryLock() == null) {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for the lock " + file);
            }
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    /**
     * Takes the lock on an existing {@code file} if nobody holds it; empty if a live holder (this JVM or another
     * process) has it, if the file is gone, or if this user may not open it (another user's agent: not ours to judge).
     */
    public static Optional<FileClaim> tryAcquire(Path file) throws IOException {
        Path key = key(file);
        Slot slot = enter(key);
        if (!slot.permit.tryAcquire()) {
            leave(key);
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) return Optional.of(new FileClaim(key, channel));
        } catch (NoSuchFileException | AccessDeniedException notOurs) {
            // gone meanwhile, or owned by another user
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            release(key, slot);
            throw e;
        }
        closeQuietly(channel);
        release(key, slot);
        return Optional.empty();
    }

    /**
     * Creates a new lock file {@code <prefix><random><suffix>} in {@code dir} and holds it. The name is unique, so
     * nobody but a cleaner ever opens it; a cleaner that took and deleted it in the instant between creation and
     * lock is noticed (the file is gone once we hold it) and another name is tried.
     */
    public static FileClaim createUnique(Path dir, String prefix, String suffix) throws IOException {
        while (true) {
            Path file = Files.createTempFile(dir, prefix, suffix);
            FileClaim claim = acquire(file);
            if (Files.exists(file)) return claim;
            claim.close();
        }
    }

    /** Deletes the lock file, then releases it: whoever waited on it finds it gone. */
    public void closeAndDelete() throws IOException {
        try {
            if (!closed) Files.deleteIfExists(file);
        } finally {
            close();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            channel.close(); // releases the fcntl lock
        } finally {
            release(file, SLOTS.get(file));
        }
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    private static Slot enter(Path key) {
        return SLOTS.compute(key, FileClaim::join);
    }

    private static Slot join(Path key, Slot slot) {
        Slot s = slot == null ? new Slot() : slot;
        s.users++;
        return s;
    }

    private static void release(Path key, Slot slot) {
        slot.permit.release();
        leave(key);
    }

    private static void leave(Path key) {
        SLOTS.computeIfPresent(key, FileClaim::drop);
    }

    private static Slot drop(Path key, Slot slot) {
        return --slot.users == 0 ? null : slot;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to add to the original outcome
        }
    }
}
