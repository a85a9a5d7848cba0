package dev.jplay.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.jplay.protocol.Failure;
import java.util.Map;

/**
 * Where and why something failed: enough to act on without opening a log on the host.
 *
 * @param host     inventory name of the host
 * @param task     task name as shown in the recap
 * @param location playbook {@code file:line:col} of the task
 * @param step     where it failed: a {@link dev.jplay.protocol.Step}'s id (connect, args, template, exec, fetch, unpack, health, ...)
 * @param code     stable machine-readable code (e.g. {@code NON_ZERO_RC}, {@code UNREACHABLE}, {@code TIMEOUT})
 * @param cause    one sentence a person understands
 * @param detail   step-specific facts (rc, stderr tail, URL, HTTP status, digest, path ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FailureInfo(
        @JsonProperty("host") String host,
        @JsonProperty("task") String task,
        @JsonProperty("location") String location,
        @JsonProperty("step") String step,
        @JsonProperty("code") String code,
        @JsonProperty("cause") String cause,
        @JsonProperty("detail") Map<String, Object> detail) {

    /** {@code failure} on {@code host}, at the task written at {@code location}: what the report shows of it. */
    public static FailureInfo of(String host, String task, String location, Failure failure) {
        return new FailureInfo(host, task, location, failure.step().id(), failure.code(), failure.message(),
                failure.detail().isEmpty() ? null : failure.detail());
    }
}
