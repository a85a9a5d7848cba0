package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The controller-side half of {@code raw} for a local host: /bin/sh with bounded output and a deadline. */
class RawCommandTest {
    @Test
    void returnsExitStatusAndBothStreamsAsTheyWere() throws Exception {
        RawCommand.Result r = RawCommand.local("echo out; echo err >&2; printf 'no newline'; exit 4", Duration.ofSeconds(20));
        assertEquals(4, r.rc());
        assertEquals("out\nno newline", r.stdout());
        assertEquals("err\n", r.stderr());
        assertFalse(r.timedOut());
        assertFalse(r.truncated());
    }

    @Test
    void theTimeoutStopsTheCommand() throws Exception {
        long t0 = System.nanoTime();
        RawCommand.Result r = RawCommand.local("echo started; sleep 60", Duration.ofMillis(500));
        assertTrue(r.timedOut());
        assertNull(r.rc());
        assertEquals("started\n", r.stdout());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "did not wait for the sleep");
    }

    @Test
    void longOutputKeepsItsEnd() throws Exception {
        RawCommand.Result r = RawCommand.local("head -c 3000000 /dev/zero | tr '\\0' a; echo; echo the-end", Duration.ofSeconds(30));
        assertEquals(0, r.rc());
        assertTrue(r.truncated());
        assertEquals(RawCommand.KEEP_BYTES, r.stdout().length());
        assertTrue(r.stdout().endsWith("a\nthe-end\n"), r.stdout().substring(r.stdout().length() - 20));
    }
}
