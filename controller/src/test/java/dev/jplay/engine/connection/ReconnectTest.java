package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconnectTest {
    private static final Reconnect FAST = new Reconnect(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)));

    private static ConnectionException failure(Step step, String code) {
        return new ConnectionException("h", step, code, "injected");
    }

    @Test
    void retriesTransientFailuresAfterEachDelayAndReturnsTheFirstSession() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        List<Long> at = new ArrayList<>();
        long start = System.nanoTime();
        ConnectionException e = assertThrows(ConnectionException.class, () -> FAST.open(() -> {
            at.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            attempts.incrementAndGet();
            throw failure(Step.CONNECT, "CONNECT_REFUSED");
        }));
        assertEquals(3, attempts.get());
        assertEquals("CONNECT_REFUSED", e.code(), "the last failure is the one reported");
        assertTrue(at.get(0) >= 10 && at.get(1) >= 30 && at.get(2) >= 70, "backoff 10/20/40 ms before each: " + at);
    }

    @Test
    void stopsAtTheFirstFailureThatRetryingCannotFix() {
        AtomicInteger attempts = new AtomicInteger();
        ConnectionException e = assertThrows(ConnectionException.class, () -> FAST.open(() -> {
            attempts.incrementAndGet();
            throw failure(Step.HOSTKEY, "HOST_KEY_MISMATCH");
        }));
        assertEquals(1, attempts.get());
        assertEquals("HOST_KEY_MISMATCH", e.code());
        assertFalse(Reconnect.retryable(failure(Step.AUTH, "AUTH_FAILED")));
        assertFalse(Reconnect.retryable(failure(Step.AGENT, "JAVA_MISSING")));
        // A host of another platform, a JDK that cannot make a runtime, a disk too full to unpack one: no retry fixes them.
        assertFalse(Reconnect.retryable(failure(Step.AGENT, "RUNTIME_MISMATCH")));
        assertFalse(Reconnect.retryable(failure(Step.AGENT, "RUNTIME_BUILD_FAILED")));
        assertFalse(Reconnect.retryable(failure(Step.UPLOAD, "RUNTIME_INSTALL_FAILED")));
        assertTrue(Reconnect.retryable(failure(Step.AGENT, "AGENT_START_TIMEOUT")));
        assertTrue(Reconnect.retryable(failure(Step.CONNECT, "CONNECT_TIMEOUT")));
    }

    @Test
    void aSessionWhoseAgentDiedIsReopenedOnNextUse(@TempDir java.nio.file.Path cache) throws Exception {
        try (Connections c = Connections.builder().localAgentDir(cache).reconnect(FAST).build()) {
            HostTarget host = HostTarget.local("localhost");
            AgentSession first = c.session(host);
            assertSame(first, c.session(host), "an open session is reused");
            // Every local host shares the controller's one agent; a host never connected is another (ssh) host.
            assertTrue(c.connectedOnce(HostTarget.local("other")));
            assertFalse(c.connectedOnce(HostTarget.ssh("remote", "192.0.2.1", "root", java.util.List.of())));
            assertTrue(c.connectedOnce(host));
            ProcessHandle.of(first.hello().pid()).orElseThrow().destroyForcibly();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (first.isOpen() && System.nanoTime() < deadline) Thread.sleep(20);
            assertFalse(first.isOpen(), "the session noticed its agent's death");

            AgentSession second = c.session(host);
            assertTrue(second.hello().pid() != first.hello().pid(), "a fresh agent");
            assertEquals("hi", second.call("ping", Map.of("data", "hi")).get(60, TimeUnit.SECONDS).data().get("ping"));

            c.discard(host);
            assertFalse(second.isOpen(), "a discarded session is closed at once");
            AgentSession third = c.session(host);
            assertTrue(third.isOpen() && third.hello().pid() != second.hello().pid());
        }
    }
}
