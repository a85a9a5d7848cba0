package dev.jplay.runtime.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostCommandTest {
    @Test
    void outputExitAndAFailureThatNamesTheCommand() throws Exception {
        HostCommand.Result ok = HostCommand.run(List.of("sh", "-c", "echo out; echo err >&2"), Duration.ofSeconds(10));
        assertTrue(ok.ok());
        assertEquals("out", ok.stdout());
        assertEquals("err", ok.stderr());

        HostCommand.Result bad = HostCommand.run(List.of("sh", "-c", "echo no route >&2; exit 2"), Duration.ofSeconds(10));
        assertFalse(bad.ok());
        assertEquals("sh -c echo no route >&2; exit 2 exited 2: no route", bad.failure());
    }

    @Test
    void theDeadlineHoldsWhileTheToolKeepsItsPipesOpen() {
        long start = System.nanoTime();
        HostCommand.Failed e = assertThrows(HostCommand.Failed.class,
                () -> HostCommand.run(List.of("sleep", "30"), Duration.ofMillis(300)));
        assertEquals("sleep 30 timed out after 300 ms", e.getMessage());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "returned at the deadline, not when sleep ended");
    }

    @Test
    void aToolThatCannotStartIsNamed() {
        HostCommand.Failed e = assertThrows(HostCommand.Failed.class,
                () -> HostCommand.run(List.of("/nonexistent/ip", "route"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().startsWith("/nonexistent/ip route: "), e.getMessage());
    }
}
