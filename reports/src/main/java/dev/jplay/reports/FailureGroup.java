package dev.jplay.reports;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Failures that share a step, a code and a cause (hosts and addresses factored out): one problem, seen on
 * {@code count} host × task results.
 *
 * @param cause         the normalized cause ({@code <host>}, {@code <addr>} stand for what differs per host)
 * @param hosts         distinct hosts, in the order they failed
 * @param tasks         distinct tasks, in the order they failed
 * @param firstLocation playbook location of the first failure
 * @param nextAction    suggested next step for the first failure
 */
public record FailureGroup(
        @JsonProperty("step") String step,
        @JsonProperty("code") String code,
        @JsonProperty("cause") String cause,
        @JsonProperty("count") int count,
        @JsonProperty("hosts") List<String> hosts,
        @JsonProperty("tasks") List<String> tasks,
        @JsonProperty("first_location") String firstLocation,
        @JsonProperty("first_failure") FailureInfo firstFailure,
        @JsonProperty("next_action") String nextAction) {
}
