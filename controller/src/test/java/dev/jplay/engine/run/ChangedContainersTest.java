package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.TaskOutcome;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangedContainersTest {
    private static TaskOutcome outcome(String host, String module, String status, String container, FailureInfo error) {
        TaskOutcome o = new TaskOutcome(host, "deploy", "web", module, "site.yml:3:7", status, TaskOutcome.CHANGED.equals(status),
                false, null, null, null, null, null, null, "2026-01-01T00:00:00Z", 1, error);
        return container == null ? o : o.withContainer(container);
    }

    private static FailureInfo failure(String host, String step, Map<String, Object> detail) {
        return new FailureInfo(host, "web", "site.yml:3:7", step, "X", "cause", detail);
    }

    @Test
    void changedContainersAndFailuresAfterARecreateAreListedPerHostInOrder() {
        List<TaskOutcome> results = List.of(
                outcome("h1", "container", TaskOutcome.CHANGED, "web", null),
                outcome("h1", "container", TaskOutcome.CHANGED, "worker", null),
                outcome("h1", "container", TaskOutcome.CHANGED, "web", null),
                outcome("h2", "container", TaskOutcome.FAILED, "web", failure("h2", "health", Map.of("recreated", true))),
                outcome("h3", "container", TaskOutcome.FAILED, "web", failure("h3", "health", Map.of("recreated", false))),
                outcome("h4", "container", TaskOutcome.FAILED, "web", failure("h4", "resolve", Map.of())),
                outcome("h5", "container", TaskOutcome.OK, "web", null),
                outcome("h6", "command", TaskOutcome.CHANGED, null, null),
                // the old container was removed, then the new one failed to start: rolled back too
                outcome("h7", "container", TaskOutcome.FAILED, "web", failure("h7", "start", Map.of("recreated", true))),
                outcome("h8", "container", TaskOutcome.FAILED, "web", failure("h8", "start", Map.of())));
        Map<String, Set<String>> changed = ChangedContainers.of(results);
        assertEquals(List.of("h1", "h2", "h7"), List.copyOf(changed.keySet()));
        assertEquals(List.of("web", "worker"), List.copyOf(changed.get("h1")));
        assertEquals(List.of("web"), List.copyOf(changed.get("h2")));
    }
}
