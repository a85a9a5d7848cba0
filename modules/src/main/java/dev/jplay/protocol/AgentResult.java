package dev.jplay.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What an agent answers for one request. Untrusted on the controller: validate before use.
 * {@code status} is "ok", "changed", "failed" or "skipped".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record AgentResult(
        @JsonProperty("type") String type,
        @JsonProperty("id") long id,
        @JsonProperty("status") String status,
        @JsonProperty("changed") boolean changed,
        @JsonProperty("rc") Integer rc,
        @JsonProperty("stdout") String stdout,
        @JsonProperty("stderr") String stderr,
        @JsonProperty("msg") String msg,
        @JsonProperty("diff") Map<String, Object> diff,
        @JsonProperty("data") Map<String, Object> data,
        @JsonProperty("error") AgentError error,
        @JsonProperty("duration_ms") long durationMs) {

    public boolean failed() {
        return "failed".equals(status);
    }
}
