package dev.jplay.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The result of one task on one host (one loop item, when the task loops).
 * {@code status} is one of ok, changed, failed, skipped, unreachable; {@code ignored} marks a failure
 * that {@code ignore_errors} let pass. {@code container} names the container of a {@code container} task's result.
 * {@code delegatedTo} names the host the task ran on when it is not {@code host} ({@code delegate_to},
 * {@code local_action}, {@code connection: local}): the result is {@code host}'s, the effects are there.
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
        @JsonProperty("error") FailureInfo error,
        @JsonProperty("container") String container,
        @JsonProperty("delegated_to") String delegatedTo) {

    /** An outcome that names no container (every module but {@code container}). */
    public TaskOutcome(String host, String play, String task, String module, String location, String status, boolean changed,
            boolean ignored, Object item, Integer rc, String stdout, String stderr, String msg, Map<String, Object> diff,
            String started, long durationMs, FailureInfo error) {
        this(host, play, task, module, location, status, changed, ignored, item, rc, stdout, stderr, msg, diff, started,
                durationMs, error, null, null);
    }

    /** The same outcome about container {@code name}: rollbacks find what a run changed by it. */
    public TaskOutcome withContainer(String name) {
        return new TaskOutcome(host, play, task, module, location, status, changed, ignored, item, rc, stdout, stderr, msg, diff,
                started, durationMs, error, name, delegatedTo);
    }

    /** The same outcome of a task that ran on {@code delegate} for this host (null: on the host itself). */
    public TaskOutcome withDelegate(String delegate) {
        return new TaskOutcome(host, play, task, module, location, status, changed, ignored, item, rc, stdout, stderr, msg, diff,
                started, durationMs, error, container, delegate);
    }

    public static final String OK = "ok";
    public static final String CHANGED = "changed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    public static final String UNREACHABLE = "unreachable";
}
