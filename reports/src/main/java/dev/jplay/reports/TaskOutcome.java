package dev.jplay.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The result of one task on one host (one loop item, when the task loops).
 * {@code status} is one of ok, changed, failed, skipped, unreachable; {@code ignored} marks a failure
 * that {@code ignore_errors} let pass.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskOutcome(
        @JsonProperty("host") String host,
        @JsonProperty("play") String play,
        @JsonProperty("task") String task,
        @JsonProperty("module") String module,
        @JsonProperty("location") String location,
        @JsonProperty("status") String status,
        @JsonProperty("changed") boolean changed,
        @JsonProperty("ignored") boolean ignored,
        @JsonProperty("item") Object item,
        @JsonProperty("rc") Integer rc,
        @JsonProperty("stdout") String stdout,
        @JsonProperty("stderr") String stderr,
        @JsonProperty("msg") String msg,
        @JsonProperty("diff") Map<String, Object> diff,
        @JsonProperty("started") String started,
        @JsonProperty("duration_ms") long durationMs,
        @JsonProperty("error") FailureInfo error) {

    public static final String OK = "ok";
    public static final String CHANGED = "changed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    public static final String UNREACHABLE = "unreachable";
}
