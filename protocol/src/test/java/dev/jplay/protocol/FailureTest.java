package dev.jplay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureTest {
    @Test
    void theBuilderKeepsDetailInOrderLeavesOutNullsAndFreezesIt() {
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("digest", "sha256:ab");
        more.put("none", null);
        Failure f = Failure.builder(Step.FETCH, "DIGEST_MISMATCH", "blob did not match").detail("url", "http://r/x")
                .detail("http_status", null).detail(more).retryable(true).build();
        assertEquals(List.of("url", "digest"), List.copyOf(f.detail().keySet()));
        assertTrue(f.retryable());
        assertThrows(UnsupportedOperationException.class, () -> f.detail().put("x", 1));
        more.put("late", 1);
        assertEquals(2, f.detail().size());
        assertEquals(Map.of(), new Failure(Step.ARGS, "X", "m").detail());
    }

    @Test
    void everyFailureIsLocated() {
        assertThrows(IllegalArgumentException.class, () -> new Failure(null, "X", "m"));
        assertThrows(IllegalArgumentException.class, () -> new Failure(Step.ARGS, null, "m"));
    }

    /** The names reports, JSON output and the agent protocol show; users match on them. */
    @Test
    void stepNamesAreTheOnesReportsHaveAlwaysShown() {
        assertEquals(List.of("connect", "auth", "hostkey", "upload", "agent", "become", "args", "template", "condition",
                        "assert", "fail", "run_once", "rollback", "exec", "setup", "store", "resolve", "manifest", "fetch",
                        "verify", "unpack", "mount", "network", "launch", "create", "start", "stop", "delete", "inspect",
                        "health"),
                java.util.Arrays.stream(Step.values()).map(Step::id).toList());
    }
}
