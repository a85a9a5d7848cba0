package dev.jplay.runtime.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileClaimTest {
    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process holdThenWait(Path held, Path wanted) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldThenWait.class.getName(), held.toString(), wanted.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        return p;
    }

    @Test
    void twoProcessesWaitingForEachOthersLocksOnOtherThreadsBothGetThem() throws Exception {
        // Each agent's thread A holds one digest's lock while its thread B waits for the other agent's: no real
        // deadlock (A finishes on its own), but the kernel's per-process detection called it one (EDEADLK).
        Path one = dir.resolve("one.lock");
        Path two = dir.resolve("two.lock");
        Process first = holdThenWait(one, two);
        Process second = holdThenWait(two, one);
        BufferedReader a = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
        BufferedReader b = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("held", a.readLine());
        assertEquals("held", b.readLine());
        first.getOutputStream().write('\n');
        first.getOutputStream().flush();
        second.getOutputStream().write('\n');
        second.getOutputStream().flush();
        assertEquals("got", a.readLine());
        assertEquals("got", b.readLine());
        assertTrue(first.waitFor(30, TimeUnit.SECONDS) && second.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void aClaimIsExclusiveInThisJvmAndALiveHolderIsNeverTakenOver() throws Exception {
        Path file = dir.resolve("x.lock");
        try (FileClaim held = FileClaim.acquire(file)) {
            assertEquals(Optional.empty(), FileClaim.tryAcquire(file), "held in this JVM");
        }
        Optional<FileClaim> free = FileClaim.tryAcquire(file);
        assertTrue(free.isPresent());
        free.get().closeAndDelete();
        assertTrue(Files.notExists(file));
        assertEquals(Optional.empty(), FileClaim.tryAcquire(file), "a lock file that is gone is nobody's to take");
    }

    /** Holds {@code args[0]}; on a line from stdin, waits for {@code args[1]} on another thread and lets go of the first soon after. */
    public static final class HoldThenWait {
        public static void main(String[] args) throws Exception {
            FileClaim held = FileClaim.acquire(Path.of(args[0]));
            System.out.println("held");
            System.out.flush();
            System.in.read();
            Thread waiter = new Thread(() -> {
                try (FileClaim got = FileClaim.acquire(Path.of(args[1]))) {
                    System.out.println("got");
                } catch (Exception e) {
                    System.out.println("failed: " + e);
                }
                System.out.flush();
            });
            waiter.start();
            Thread.sleep(500); // both waiters are waiting by now: only then does either holder finish
            held.close();
            waiter.join();
        }
    }
}
