package dev.jplay.engine.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A rollout that runs on a cron: which playbook, against which inventory sources (the fleet), with which extra
 * vars, when, and within which maintenance window.
 *
 * @param window        null: any time
 * @param expectedBatch how long one batch is expected to take before any was measured (null: {@link #DEFAULT_EXPECTED_BATCH})
 * @param webhook       null: no webhook
 * @param created       when the schedule was added; fires before it are never "missed"
 */
public record Schedule(
        String name,
        String playbook,
        List<String> inventory,
        Map<String, Object> extraVars,
        CronTrigger cron,
        MaintenanceWindow window,
        MissedRunPolicy missed,
        Duration expectedBatch,
        WebhookSettings webhook,
        Instant created) {

    public static final Duration DEFAULT_EXPECTED_BATCH = Duration.ofMinutes(5);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public Schedule {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("schedule name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (name.equals(RunRecord.MANUAL)) throw new IllegalArgumentException("'" + RunRecord.MANUAL + "' is reserved for runs of jplay apply");
        if (playbook == null || playbook.isBlank()) throw new IllegalArgumentException("schedule " + name + ": playbook is required");
        if (inventory.isEmpty()) throw new IllegalArgumentException("schedule " + name + ": at least one inventory source is required");
        if (window != null && !window.zone().equals(cron.zone())) {
            throw new IllegalArgumentException("schedule " + name + ": the window must be in the schedule's zone " + cron.zone());
        }
        inventory = List.copyOf(inventory);
        extraVars = Map.copyOf(extraVars);
        if (missed == null) missed = MissedRunPolicy.SKIP;
    }

    public ZoneId zone() {
        return cron.zone();
    }

    public Duration expectedBatchOrDefault() {
        return expectedBatch == null ? DEFAULT_EXPECTED_BATCH : expectedBatch;
    }

    public FleetId fleet() {
        return FleetId.of(inventory);
    }
}
