package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetStateLockTest {
    @TempDir Path dir;

    private static ProcessLock.Holder apply(String runId) {
        return FleetStateLock.holder("apply", runId, Clock.systemUTC());
    }

    @Test
    void aHeldStateFailsAtOnceNamingTheHolder() throws Exception {
        Path state = dir.resolve("state");
        try (ProcessLock first = FleetStateLock.acquire(state, apply("r1"), Duration.ZERO, () -> false, m -> {})) {
            ProcessLock.Holder written = ProcessLock.holder(FleetStateLock.fileOf(state)).orElseThrow();
            assertEquals(System.getProperty("user.name"), written.user());
            FleetStateLock.LockedException e = assertThrows(FleetStateLock.LockedException.class,
                    () -> FleetStateLock.acquire(state, apply("r2"), Duration.ZERO, () -> false, m -> {}));
            String expected = "fleet state " + state.resolve("fleet.lock") + " is locked by apply run r1 ("
                    + System.getProperty("user.name") + "@" + ProcessIdentity.hostName() + " pid " + ProcessHandle.current().pid()
                    + ") since " + written.since() + "; waited ";
            assertTrue(e.getMessage().startsWith(expected), e.getMessage());
            assertEquals("r1", e.holder().runId());
        }
    }

    @Test
    void aWaiterTakesTheLockOnceTheHolderReleasesIt() throws Exception {
        Path state = dir.resolve("state");
        ProcessLock first = FleetStateLock.acquire(state, apply("r1"), Duration.ZERO, () -> false, m -> {});
        List<String> heard = new ArrayList<>();
        // The holder ends when the waiter announces it waits: the wait itself, not a sleep, orders the two.
        try (ProcessLock second = FleetStateLock.acquire(state, apply("r2"), Duration.ofSeconds(30), () -> false, m -> {
            heard.add(m);
            try {
                first.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        })) {
            assertEquals(1, heard.size(), "announced once: " + heard);
            assertTrue(heard.get(0).contains("locked by apply run r1") && heard.get(0).contains("waiting up to 30s"), heard.get(0));
            assertEquals("r2", ProcessLock.holder(FleetStateLock.fileOf(state)).orElseThrow().runId());
        }
    }

    @Test
    void aWaitEndsAtItsTimeoutAndSaysHowLongItWaited() throws Exception {
        Path state = dir.resolve("state");
        try (ProcessLock first = FleetStateLock.acquire(state, apply("r1"), Duration.ZERO, () -> false, m -> {})) {
            long start = System.nanoTime();
            FleetStateLock.LockedException e = assertThrows(FleetStateLock.LockedException.class,
                    () -> FleetStateLock.acquire(state, apply("r2"), Duration.ofMillis(400), () -> false, m -> {}));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(400).toNanos(), "waited the timeout");
            assertTrue(e.getMessage().matches(".*; waited (4\\d\\d|[5-9]\\d\\d)ms"), e.getMessage());
        }
    }

    @Test
    void corruptHolderFilesStillGiveAClearMessage() throws IOException {
        for (String content : List.of("garbage{", "null", "[]", "42", "{\"process\": \"x\"}", "{\"since\": [1,2]}", "\u0000\u0001")) {
            ProcessLock.Holder h = ProcessLock.parseHolder(content).orElseThrow(() -> new AssertionError("no holder for " + content));
            assertTrue(h.owner().startsWith("unreadable lock content: "), content + " -> " + h);
            assertTrue(h.owner().chars().noneMatch(Character::isISOControl), h.owner());
            String message = FleetStateLock.message(Path.of("s/fleet.lock"), h, Duration.ZERO);
            assertTrue(message.startsWith("fleet state s/fleet.lock is locked by unreadable lock content: "), message);
        }
        assertTrue(ProcessLock.parseHolder("  \n").isEmpty(), "blank: released");
        assertEquals("fleet state s/fleet.lock is locked by another run (its holder file is empty: it was just released); waited 0ms",
                FleetStateLock.message(Path.of("s/fleet.lock"), null, Duration.ZERO));
    }

    @Test
    void holderTextsAreCutAndFreeOfTerminalEscapes() throws IOException {
        String json = "{\"owner\":\"apply\\u001b[2J\",\"run_id\":\"" + "x".repeat(500) + "\",\"user\":\"eve\\nroot\"}";
        ProcessLock.Holder h = ProcessLock.parseHolder(json).orElseThrow();
        assertEquals("apply?[2J", h.owner());
        assertEquals("eve?root", h.user());
        assertEquals(83, h.runId().length(), "80 characters and an ellipsis");
        assertNull(h.process());
        assertEquals("apply?[2J run " + h.runId() + " (eve?root)", FleetStateLock.describe(h));
    }

    @Test
    void aHugeLockFileIsReadOnlyInItsFirstBytes() throws IOException {
        Path f = dir.resolve("fleet.lock");
        Files.writeString(f, "{\"owner\":\"" + "a".repeat(ProcessLock.MAX_HOLDER_BYTES * 2) + "\"}", StandardCharsets.UTF_8);
        ProcessLock.Holder h = ProcessLock.holder(f).orElseThrow();
        assertTrue(h.owner().startsWith("unreadable lock content: {\"owner\":\"aaa"), h.owner());
    }
}
