package dev.jplay.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** One module invocation sent to an agent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentRequest(
        @JsonProperty("type") String type,
        @JsonProperty("id") long id,
        @JsonProperty("module") String module,
        @JsonProperty("args") Map<String, Object> args,
        @JsonProperty("check") boolean check,
        @JsonProperty("diff") boolean diff,
        @JsonProperty("timeout_ms") Long timeoutMs,
        @JsonProperty("env") Map<String, String> env) {

    public static AgentRequest run(long id, String module, Map<String, Object> args, boolean check, boolean diff,
                                   Long timeoutMs, Map<String, String> env) {
        return new AgentRequest("run", id, module, args == null ? Map.of() : args, check, diff, timeoutMs, env);
    }
}
