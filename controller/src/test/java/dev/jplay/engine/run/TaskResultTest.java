package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskResultTest {
    private static final Failure PULL = Failure.builder(Step.FETCH, "REGISTRY_HTTP_500", "image x: fetch failed")
            .detail("url", "http://r/v2/x").build();

    @Test
    void registerShowsTheModulesFieldsAndDataButNeverTheFailuresLocation() {
        AgentResult r = new AgentResult("result", 1, "failed", true, 3, "a\nb", "", null, Map.of("before", "x"),
                Map.of("path", "/p", "_internal", 1), PULL, 5);
        TaskResult t = TaskResult.of(r);
        assertEquals(List.of("path", "changed", "failed", "rc", "stdout", "stdout_lines", "stderr", "stderr_lines", "diff", "msg"),
                List.copyOf(t.registered().keySet()), "keys in the order register has always shown them");
        assertEquals(List.of("a", "b"), t.registered().get("stdout_lines"));
        assertEquals(List.of(), t.registered().get("stderr_lines"));
        assertEquals("image x: fetch failed", t.msg(), "the failure's message when the module gave none");
        assertEquals(PULL, t.failure());
        assertTrue(t.failed() && t.changed());
    }

    @Test
    void aFailureIsLocatedByItsModuleElseByTheReturnCode() {
        Failure located = TaskResult.of(new AgentResult("result", 1, "failed", false, 2, null, "boom\n", "exit 2", null, null,
                PULL, 0)).located("image");
        assertEquals(Step.FETCH, located.step());
        assertEquals("REGISTRY_HTTP_500", located.code());
        assertEquals("exit 2", located.message());
        assertEquals(Map.of("url", "http://r/v2/x", "rc", 2, "stderr_tail", "boom\n"), located.detail());

        Failure rc = TaskResult.of(new AgentResult("result", 1, "failed", false, 1, null, null, null, null, null, null, 0))
                .located("command");
        assertEquals(Step.EXEC, rc.step());
        assertEquals("NON_ZERO_RC", rc.code());
        assertEquals("module command failed", rc.message());
        assertEquals("MODULE_FAILED", TaskResult.of(new AgentResult("result", 1, "failed", false, null, null, null, "no", null,
                null, null, 0)).located("stat").code());
    }

    @Test
    void failedWhenUntilAndChangedWhenChangeTheResultThroughItsMethods() {
        TaskResult t = TaskResult.of(new AgentResult("result", 1, "failed", false, 1, "out", null, null, null, null, PULL, 0));
        t.pass();
        assertFalse(t.failed());
        assertNull(t.failure());
        t.changed(true);
        assertEquals(true, t.registered().get("changed"));
        t.fail(new Failure(Step.CONDITION, "FAILED_WHEN", "failed_when condition held"));
        assertEquals("image x: fetch failed", t.msg(), "a message the module gave stays");
        assertEquals("FAILED_WHEN", t.located("command").code());
        t.retriesExhausted(3);
        assertEquals("gave up after 3 attempts: until condition never held", t.msg());
        assertEquals(Step.CONDITION, t.failure().step(), "the step the last attempt reached");
        assertEquals("RETRIES_EXHAUSTED", t.failure().code());
        t.attempts(3);
        assertEquals(3, t.registered().get("attempts"));
    }

    @Test
    void failedWhenOnAResultWithoutAMessageSaysWhy() {
        TaskResult t = TaskResult.of(new AgentResult("result", 1, "ok", false, 0, "", null, null, null, null, null, 0));
        t.fail(new Failure(Step.CONDITION, "FAILED_WHEN", "failed_when condition held"));
        assertEquals("failed_when condition held", t.msg());
        assertTrue(t.failed());
    }

    @Test
    void aFailureMadeOnTheControllerLooksLikeAnAgents() {
        TaskResult t = TaskResult.failed(new Failure(Step.ARGS, "SRC_NOT_FOUND", "copy: src 'x' not found"));
        assertEquals(Map.of("failed", true, "changed", false, "msg", "copy: src 'x' not found"), t.registered());
        assertEquals(Step.ARGS, t.located("copy").step());
    }
}
