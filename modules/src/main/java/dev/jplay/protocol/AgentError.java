package dev.jplay.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Where and why a module failed on a host. {@code step} is one of a small vocabulary
 * (connect, upload, agent, args, exec, pull/resolve/auth/manifest/fetch/verify, unpack, mount, create, start,
 * health, ...), {@code code} a stable machine-readable code (e.g. {@code REGISTRY_HTTP_500}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentError(
        @JsonProperty("step") String step,
        @JsonProperty("code") String code,
        @JsonProperty("message") String message,
        @JsonProperty("detail") Map<String, Object> detail) {
}
