package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.fs.FileClaim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One operation per container at a time: in this JVM (lock map) and across agents (a lock file
 * {@code <containers>/.<name>.lock}). Lifecycle and revisions take the same file lock, so they exclude each other.
 */
final class ContainerLocks {
    private final Path containersDir;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    ContainerLocks(Path containersDir) {
        this.containersDir = containersDir;
    }

    /** Runs {@code action} holding the lock of container {@code name}. */
    <T> T locked(String name, Supplier<T> action) {
        ContainerFiles.of(containersDir, name); // a bad name is refused before its lock file is made (it names a path)
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            Files.createDirectories(containersDir);
            Path lockFile = containersDir.resolve("." + name + ".lock");
            // FileClaim waits by polling: a blocking fcntl lock got EDEADLK when two agents' threads held and wanted
            // each other's containers (the kernel counts a whole process as one holder).
            try (FileClaim ignored = FileClaim.acquire(lockFile)) {
                return action.get();
            }
        } catch (IOException e) {
            throw new LaunchException(Step.INSPECT, "LOCK_FAILED", "cannot lock container '" + name + "' in " + containersDir, e);
        } finally {
            lock.unlock();
        }
    }
}
