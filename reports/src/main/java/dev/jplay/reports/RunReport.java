package dev.jplay.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code report.json}: everything a run did, per host × task, and every failure located.
 * The schema is versioned by {@link #SCHEMA_VERSION} and described in {@code report.schema.json}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
        @JsonProperty("schema_version") int schemaVersion,
        @JsonProperty("run_id") String runId,
        @JsonProperty("jplay_version") String jplayVersion,
        @JsonProperty("playbook") String playbook,
        @JsonProperty("inventory") List<String> inventory,
        @JsonProperty("check") boolean check,
        @JsonProperty("started") String started,
        @JsonProperty("finished") String finished,
        @JsonProperty("duration_ms") long durationMs,
        @JsonProperty("exit_code") int exitCode,
        @JsonProperty("outcome") String outcome,
        @JsonProperty("recap") Map<String, HostRecap> recap,
        @JsonProperty("failures") List<FailureInfo> failures,
        @JsonProperty("results") List<TaskOutcome> results) {

    public static final int SCHEMA_VERSION = 1;
}
