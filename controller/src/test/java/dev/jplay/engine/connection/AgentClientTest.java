package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.AgentCodec;
import dev.jplay.protocol.AgentHello;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.BoundedLineReader;
import dev.jplay.protocol.Protocol;
import dev.jplay.protocol.Step;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The controller's protocol client against misbehaving "agents": real sh processes that print what a broken
 * or hostile agent could.
 */
class AgentClientTest {
    private static final String HELLO = "echo '{\"type\":\"hello\",\"protocol\":1,\"pid\":1}'; ";

    private static AgentClient start(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).start();
        LocalAgentProcess agent = new LocalAgentProcess(p, "scripted");
        BoundedLineReader lines = new BoundedLineReader(agent.stdout(), Protocol.MAX_LINE_BYTES);
        AgentHello hello = AgentCodec.parseHello(lines.readLine());
        return new AgentClient(HostTarget.local("scripted"), agent, lines, hello,
                new StartupReport(false, java.time.Duration.ZERO, java.time.Duration.ZERO));
    }

    private static ConnectionException failureOf(CompletableFuture<AgentResult> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
        return assertInstanceOf(ConnectionException.class, e.getCause());
    }

    @Test
    void answersByIdEvenOutOfOrder() throws Exception {
        // Reads two requests, answers the second first.
        try (AgentClient client = start(HELLO + "read a; read b; "
                + "echo '{\"type\":\"result\",\"id\":2,\"status\":\"changed\",\"changed\":true}'; "
                + "echo '{\"type\":\"result\",\"id\":1,\"status\":\"ok\"}'; read c")) {
            CompletableFuture<AgentResult> first = client.call("ping", Map.of());
            CompletableFuture<AgentResult> second = client.call("ping", Map.of());
            assertEquals("ok", first.get(20, TimeUnit.SECONDS).status());
            assertEquals("changed", second.get(20, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void anInvalidResultFailsEveryPendingCallWithProtocol() throws Exception {
        try (AgentClient client = start(HELLO + "read a; read b; "
                + "echo '{\"type\":\"result\",\"id\":1,\"status\":\"splendid\"}'; sleep 30")) {
            CompletableFuture<AgentResult> first = client.call("ping", Map.of());
            CompletableFuture<AgentResult> second = client.call("ping", Map.of());
            ConnectionException e = failureOf(first);
            assertEquals(Step.AGENT, e.step());
            assertEquals("PROTOCOL", e.code());
            assertTrue(e.getMessage().contains("splendid") && e.getMessage().contains("scripted"), e.getMessage());
            assertEquals("PROTOCOL", failureOf(second).code());
            assertFalse(client.isOpen());
            assertEquals("PROTOCOL", failureOf(client.call("ping", Map.of())).code());
        }
    }

    @Test
    void aLineOverTheLimitIsAProtocolError() throws Exception {
        try (AgentClient client = start(HELLO + "read a; head -c " + (Protocol.MAX_LINE_BYTES + 10)
                + " /dev/zero | tr '\\0' a; echo; sleep 30")) {
            ConnectionException e = failureOf(client.call("ping", Map.of()));
            assertEquals("PROTOCOL", e.code());
            assertTrue(e.getMessage().contains(String.valueOf(Protocol.MAX_LINE_BYTES)), e.getMessage());
        }
    }

    @Test
    void anAgentThatDiesFailsPendingCallsWithItsStderrTail() throws Exception {
        try (AgentClient client = start(HELLO + "read a; echo 'java.lang.OutOfMemoryError: boom' >&2; exit 3")) {
            ConnectionException e = failureOf(client.call("ping", Map.of()));
            assertEquals("AGENT_EXITED", e.code());
            assertTrue(e.getMessage().contains("OutOfMemoryError: boom"), e.getMessage());
            assertTrue(e.getMessage().contains("exit status 3"), e.getMessage());
        }
    }

    @Test
    void aCallWithoutAnswerTimesOutAfterItsGrace() throws Exception {
        try (AgentClient client = start(HELLO + "while read a; do :; done")) {
            long start = System.nanoTime();
            ExecutionException e = assertThrows(ExecutionException.class, () -> client
                    .call("ping", Map.of(), false, false, java.time.Duration.ofMillis(100), null).get(30, TimeUnit.SECONDS));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals("TIMEOUT", ((ConnectionException) e.getCause()).code());
            assertTrue(ms >= AgentClient.TIMEOUT_GRACE.toMillis(), "gave up after " + ms + " ms");
            assertTrue(client.isOpen(), "a timed-out call does not end the session");
            ConnectionException c = (ConnectionException) e.getCause();
            assertEquals("ping", c.detail().get("module"));
            assertEquals(100L, c.detail().get("timeout_ms"));
            assertTrue(String.valueOf(c.detail().get("activity")).startsWith("unknown"), c.detail().toString());
        }
    }

    @Test
    void aGivenTimeoutTravelsWithTheRequestTheModulesDefaultIsLeftToTheAgent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path seen = dir.resolve("requests");
        try (AgentClient client = start(HELLO + "read a; echo \"$a\" >> " + seen
                + "; echo '{\"type\":\"result\",\"id\":1,\"status\":\"ok\"}'; read b; echo \"$b\" >> " + seen
                + "; echo '{\"type\":\"result\",\"id\":2,\"status\":\"ok\"}'; read c")) {
            client.call("ping", Map.of()).get(20, TimeUnit.SECONDS);
            client.call("command", Map.of(), false, false, java.time.Duration.ofSeconds(7), null).get(20, TimeUnit.SECONDS);
        }
        List<String> lines = java.nio.file.Files.readAllLines(seen);
        assertFalse(lines.get(0).contains("timeout_ms"), lines.get(0)); // the agent applies the default and says so
        assertTrue(lines.get(1).contains("\"timeout_ms\":7000"), lines.get(1));
    }
}
