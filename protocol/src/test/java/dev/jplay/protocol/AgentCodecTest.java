package dev.jplay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentCodecTest {

    @Test
    void parsesAValidResult() throws Exception {
        AgentResult r = AgentCodec.parseResult("{\"type\":\"result\",\"id\":7,\"status\":\"changed\",\"changed\":true,"
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
        AgentResult r = AgentCodec.parseResult("{\"type\":\"result\",\"id\":3,\"status\":\"failed\",\"error\":"
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
            "{\"type\":\"result\",\"id\":1,\"status\":\"failed\",\"error\":\"bad\"}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"failed\",\"error\":{\"step\":\"lunch\",\"code\":\"X\"}}",
            "{\"type\":\"result\",\"id\":1,\"status\":\"ok\",\"rc\":4294967296}",
            "{\"type\":\"result\",\"id\":99999999999999999999,\"status\":\"ok\"}"})
    void rejectsAnythingOutsideTheSchema(String line) {
        assertThrows(AgentCodec.ProtocolViolation.class, () -> AgentCodec.parseResult(line, id -> id == 1));
    }

    @Test
    void parsesHelloAndRejectsAnotherProtocolVersion() throws Exception {
        AgentHello hello = AgentCodec.parseHello("{\"type\":\"hello\",\"protocol\":1,\"java\":\"17.0.15\",\"pid\":42,"
                + "\"modules\":[\"ping\"]}");
        assertEquals(42, hello.pid());
        assertEquals(List.of("ping"), hello.modules());
        AgentCodec.ProtocolViolation v = assertThrows(AgentCodec.ProtocolViolation.class,
                () -> AgentCodec.parseHello("{\"type\":\"hello\",\"protocol\":2}"));
        assertTrue(v.getMessage().contains("protocol 2"), v.getMessage());
        assertThrows(AgentCodec.ProtocolViolation.class, () -> AgentCodec.parseHello("{\"type\":\"result\",\"id\":1}"));
    }

    @Test
    void whatOneEndWritesTheOtherReadsBack() throws Exception {
        AgentRequest sent = AgentRequest.run(5, "copy", Map.of("dest", "/x"), true, false, 30_000L, Map.of("A", "1"));
        byte[] line = AgentCodec.encode(sent);
        assertEquals('\n', line[line.length - 1]);
        assertEquals(sent, AgentCodec.parseRequest(Arrays.copyOf(line, line.length - 1)));

        Failure failure = Failure.builder(Step.RUN_ONCE, "X_Y", "went wrong").detail("rc", 3).retryable(true).build();
        AgentResult result = new AgentResult("result", 5, "failed", false, 3, "out", null, "went wrong", null,
                Map.of("k", List.of("v")), failure, 17);
        byte[] written = AgentCodec.encode(result);
        assertEquals(result, AgentCodec.parseResult(new String(written, StandardCharsets.UTF_8).strip(), id -> id == 5));

        AgentHello hello = new AgentHello(Protocol.VERSION, "17.0.15", 42, List.of("ping"), "abc", 0L);
        assertEquals(hello, AgentCodec.parseHello(new String(AgentCodec.encode(hello), StandardCharsets.UTF_8).strip()));
    }

    @Test
    void stepsTravelByTheirReportNames() throws Exception {
        byte[] written = AgentCodec.encode(AgentResult.failed(1, new Failure(Step.RUN_ONCE, "C", "m"), 0));
        assertTrue(new String(written, StandardCharsets.UTF_8).contains("\"step\":\"run_once\""));
        for (Step s : Step.values()) assertEquals(s, Step.fromId(s.id()));
        assertNull(Step.fromId("RUN_ONCE"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1]                                                                  | -1",
            "{\"type\":\"jump\",\"id\":1}                                          | 1",
            "{\"type\":\"run\",\"id\":\"1\",\"module\":\"ping\"}                     | -1",
            "{\"type\":\"run\",\"id\":1}                                            | 1",
            "{\"type\":\"run\",\"id\":1,\"module\":\"ping\",\"args\":[1]}              | 1",
            "{\"type\":\"run\",\"id\":1,\"module\":\"ping\",\"timeout_ms\":\"5\"}       | 1",
            "{\"type\":\"run\",\"id\":1,\"module\":\"ping\",\"env\":{\"A\":[1]}}        | 1",
            "{\"type\":\"run\",\"id\":2,\"module\":\"ping\",\"env\":\"A=1\"}            | 2",
            "{\"type\":\"run\"                                                     | -1"})
    void badRequestsAreRefusedWithTheirIdWhenTheyHaveOne(String line, long id) {
        AgentCodec.BadRequest e = assertThrows(AgentCodec.BadRequest.class,
                () -> AgentCodec.parseRequest(line.strip().getBytes(StandardCharsets.UTF_8)));
        assertEquals(id, e.id, e::getMessage);
    }
}
