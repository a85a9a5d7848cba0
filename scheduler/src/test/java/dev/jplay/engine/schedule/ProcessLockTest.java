package dev.jplay.engine.schedule;

import dev.jplay.testing.JavaProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLockTest {
    @TempDir Path dir;

    private static ProcessLock.Holder me(String owner) {
        return new ProcessLock.Holder(ProcessIdentity.current(), Instant.now().toString(), owner, null);
    }

    @Test
    void secondAcquisitionInTheSameProcessWaitsForRelease() throws Exception {
        Path f = dir.resolve("fleet.lock");
        try (ProcessLock first = ProcessLock.tryAcquire(f, me("first")).orElseThrow()) {
            assertTrue(ProcessLock.tryAcquire(f, me("second")).isEmpty());
            assertEquals("first", ProcessLock.holder(f).orElseThrow().owner());
        }
        assertTrue(ProcessLock.holder(f).isEmpty(), "a released lock is an empty file");
        try (ProcessLock again = ProcessLock.tryAcquire(f, me("second")).orElseThrow()) {
            assertTrue(again.takenOverFrom().isEmpty(), "a cleanly released lock is not stale");
        }
    }

    @Test
    void lockLeftByADeadProcessIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        ProcessIdentity dead = new ProcessIdentity(gone.pid(), ProcessIdentity.hostName(), Instant.now().toString());
        assertTrue(dead.isDeadHere());
        Path f = dir.resolve("fleet.lock");
        Files.writeString(f, RunHistory.json().writeValueAsString(new ProcessLock.Holder(dead, "2026-01-01T00:00:00Z", "schedule web", "r0")),
                StandardCharsets.UTF_8);
        try (ProcessLock lock = ProcessLock.tryAcquire(f, me("new")).orElseThrow()) {
            assertEquals(gone.pid(), lock.takenOverFrom().orElseThrow().process().pid());
            assertEquals(ProcessHandle.current().pid(), ProcessLock.holder(f).orElseThrow().process().pid());
        }
    }

    @Test
    void lockHeldByAnotherProcessIsBusyUntilThatProcessIsKilled() throws Exception {
        Path f = dir.resolve("fleet.lock");
        Process holder = JavaProcess.start(dir, LockHolderMain.class.getName(), f.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && ProcessLock.holder(f).isEmpty()) Thread.sleep(20);
            assertEquals(holder.pid(), ProcessLock.holder(f).orElseThrow().process().pid());
            assertTrue(ProcessLock.tryAcquire(f, me("waiting")).isEmpty(), "held by a live process");
            assertTrue(ProcessIdentity.current().host().equals(ProcessLock.holder(f).get().process().host()));
            holder.destroyForcibly(); // kill -9: no chance to release
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            Optional<ProcessLock> lock = ProcessLock.tryAcquire(f, me("next"));
            assertTrue(lock.isPresent(), "the kernel dropped the dead holder's lock");
            assertEquals(holder.pid(), lock.get().takenOverFrom().orElseThrow().process().pid());
            assertTrue(lock.get().takenOverFrom().get().process().isDeadHere());
            lock.get().close();
        } finally {
            holder.destroyForcibly();
        }
    }
}
