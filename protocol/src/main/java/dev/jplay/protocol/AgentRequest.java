package dev.jplay.protocol;

import java.time.Duration;
import java.util.Map;

/** One message to an agent: a module invocation ({@code run}) or the end of the session ({@code bye}). */
public record AgentRequest(String type, long id, String module, Map<String, Object> args, boolean check, boolean diff,
                           Long timeoutMs, Map<String, String> env) {

    public static AgentRequest run(long id, String module, Map<String, Object> args, boolean check, boolean diff,
                                   Long timeoutMs, Map<String, String> env) {
        return new AgentRequest("run", id, module, args == null ? Map.of() : args, check, diff, timeoutMs, env);
    }

    public static AgentRequest bye() {
        return new AgentRequest("bye", -1, null, Map.of(), false, false, null, Map.of());
    }

    public boolean isBye() { return "bye".equals(type); }

    /** The task's timeout, or null to use the module's default ({@link dev.jplay.protocol.ModuleDeadlines}). */
    public Duration timeout() { return timeoutMs == null ? null : Duration.ofMillis(timeoutMs); }
}
