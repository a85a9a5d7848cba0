package dev.jplay.protocol;

import java.util.Map;

/**
 * What an agent answers for one request. Untrusted on the controller: {@link AgentCodec#parseResult} validates it
 * first. {@code status} is "ok", "changed", "failed" or "skipped"; {@code error} is set on a failure the agent
 * located (a module's exception, a deadline, a bad request), null otherwise.
 */
public record AgentResult(String type, long id, String status, boolean changed, Integer rc, String stdout, String stderr,
                          String msg, Map<String, Object> diff, Map<String, Object> data, Failure error, long durationMs) {

    public boolean failed() {
        return "failed".equals(status);
    }

    /** A failed result located by {@code error}, its message as the result's. */
    public static AgentResult failed(long id, Failure error, long durationMs) {
        return new AgentResult("result", id, "failed", false, null, null, null, error.message(), null, null, error,
                durationMs);
    }
}
