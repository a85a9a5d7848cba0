package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.AgentResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentMessagesTest {
    private final AgentMessages messages = new AgentMessages();

    @Test
    void parsesAValidResult() throws Exception {
        AgentResult r = messages.parseResult("{\"type\":\"result\",\"id\":7,\"status\":\"changed\",\"changed\":true,"
                + "\"rc\":0,\"stdout\":\"hi\",\"data\":{\"k\":[1,2]},\"error\":null,\"duration_ms\":12}", id -> id == 7);
        assertEquals(7, r.id());
        assertEquals("changed", r.status());
        assertTrue(r.changed());
        assertEquals(0, r.rc());
        assertEquals("hi", r.stdout());
        assertEquals(List.of(1, 2), r.data().get("k"));
        assertEquals(12, r.durationMs());
        assertNull(r.error());
    }

    @Test
    void parsesAFailureWithItsError() throws Exception {
        AgentResult r = messages.parseResult("{\"type\":\"result\",\"id\":3,\"status\":\"failed\",\"error\":"
                + "{\"step\":\"args\",\"code\":\"MODULE_UNKNOWN\",\"message\":\"no module\"}}", id -> true);
        assertTrue(r.failed());
        assertEquals("MODULE_UNKNOWN", r.error().code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "[1,2]",
            "{\"type\":\"log\",\"id\":1,\"status\":\"ok\"}",
            "{\"type\":\"result\",\"id\":99,\"status\":\"ok\"}",
            "{\"type\":\"result\",\"id\":\"1\",\"status\":\"ok\"}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"great\"}",
            "{\"type\":\"result\",\"id\":1}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"ok\",\"changed\":\"yes\"}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"ok\",\"rc\":1.5}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"ok\",\"stdout\":5}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"ok\",\"data\":[1]}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"ok\",\"extra\":1}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"failed\",\"error\":{\"code\":\"X\"}}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"failed\",\"error\":\"bad\"}"})
    void rejectsAnythingOutsideTheSchema(String line) {
        assertThrows(AgentMessages.ProtocolViolation.class, () -> messages.parseResult(line, id -> id == 1));
    }

    @Test
    void parsesHelloAndRejectsAnotherProtocolVersion() throws Exception {
        AgentHello hello = messages.parseHello("{\"type\":\"hello\",\"protocol\":1,\"java\":\"17.0.15\",\"pid\":42,"
                + "\"modules\":[\"ping\"]}");
        assertEquals(42, hello.pid());
        assertEquals(List.of("ping"), hello.modules());
        AgentMessages.ProtocolViolation v = assertThrows(AgentMessages.ProtocolViolation.class,
                () -> messages.parseHello("{\"type\":\"hello\",\"protocol\":2}"));
        assertTrue(v.getMessage().contains("protocol 2"), v.getMessage());
        assertThrows(AgentMessages.ProtocolViolation.class, () -> messages.parseHello("{\"type\":\"result\",\"id\":1}"));
    }
}
