package dev.jplay.engine.schedule;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.jplay.reports.HostRecap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One line of the run history: the state of a run when the line was written. A run is written when it starts
 * ({@code running}), after each batch it completes, and when it ends; the last line of a run id is its state.
 *
 * @param scheduleName     the schedule, or {@value #MANUAL} for {@code jplay apply}
 * @param scheduledFor     the cron fire time that started the run (null for manual runs)
 * @param outcome          running, ok, failed, unreachable, failed_unreachable, interrupted, error or skipped
 * @param reason           why a run was skipped or interrupted, or what went wrong
 * @param process          who runs it: a {@code running} run whose process is gone has crashed
 * @param completedBatches batches that finished, in order: a resume starts after the last one
 * @param user             who ran it: the controller process's user (for a scheduled run, the scheduler's)
 * @param controllerHost   the host the controller ran on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
        @JsonProperty("run_id") String runId,
        @JsonProperty("schedule") String scheduleName,
        @JsonProperty("scheduled_for") String scheduledFor,
        @JsonProperty("started") String started,
        @JsonProperty("ended") String ended,
        @JsonProperty("outcome") String outcome,
        @JsonProperty("exit_code") Integer exitCode,
        @JsonProperty("reason") String reason,
        @JsonProperty("playbook") String playbook,
        @JsonProperty("inventory") List<String> inventory,
        @JsonProperty("extra_var_names") List<String> extraVarNames,
        @JsonProperty("counts") Counts counts,
        @JsonProperty("report") String report,
        @JsonProperty("process") ProcessIdentity process,
        @JsonProperty("completed_batches") List<BatchDone> completedBatches,
        @JsonProperty("user") String user,
        @JsonProperty("controller_host") String controllerHost) {

    public static final String MANUAL = "manual";
    public static final String RUNNING = "running";
    public static final String OK = "ok";
    public static final String INTERRUPTED = "interrupted";
    public static final String SKIPPED = "skipped";
    public static final String ERROR = "error";

    /** A record that names nobody as its runner (history lines written before jplay recorded it). */
    public RunRecord(String runId, String scheduleName, String scheduledFor, String started, String ended, String outcome,
                     Integer exitCode, String reason, String playbook, List<String> inventory, List<String> extraVarNames,
                     Counts counts, String report, ProcessIdentity process, List<BatchDone> completedBatches) {
        this(runId, scheduleName, scheduledFor, started, ended, outcome, exitCode, reason, playbook, inventory, extraVarNames,
                counts, report, process, completedBatches, null, null);
    }

    public RunRecord {
        inventory = inventory == null ? List.of() : List.copyOf(inventory);
        extraVarNames = extraVarNames == null ? List.of() : List.copyOf(extraVarNames);
        completedBatches = completedBatches == null ? List.of() : List.copyOf(completedBatches);
    }

    /** A batch that finished: play name, 1-based batch number, its hosts. */
    public record BatchDone(@JsonProperty("play") String play, @JsonProperty("batch") int batch,
                            @JsonProperty("hosts") List<String> hosts) {}

    /** Totals of the recap over all hosts; {@code ok} counts changed results too, like Ansible. */
    public record Counts(@JsonProperty("hosts") int hosts, @JsonProperty("ok") int ok, @JsonProperty("changed") int changed,
                         @JsonProperty("failed") int failed, @JsonProperty("unreachable") int unreachable,
                         @JsonProperty("skipped") int skipped, @JsonProperty("ignored") int ignored,
                         @JsonProperty("rescued") int rescued) {
        public static Counts of(Map<String, HostRecap> recap) {
            int ok = 0, changed = 0, failed = 0, unreachable = 0, skipped = 0, ignored = 0, rescued = 0;
            for (HostRecap r : recap.values()) {
                ok += r.ok();
                changed += r.changed();
                failed += r.failed();
                unreachable += r.unreachable();
                skipped += r.skipped();
                ignored += r.ignored();
                rescued += r.rescued();
            }
            return new Counts(recap.size(), ok, changed, failed, unreachable, skipped, ignored, rescued);
        }
    }

    @JsonIgnore
    public boolean isRunning() {
        return RUNNING.equals(outcome);
    }

    /** Whether {@code filter} (an outcome, or {@code failed} for any failure) matches this run. */
    @JsonIgnore
    public boolean hasOutcome(String filter) {
        if (filter.equals(outcome)) return true;
        return filter.equals("failed") && List.of("failed", "unreachable", "failed_unreachable", ERROR).contains(outcome);
    }

    public RunRecord withBatchDone(BatchDone done) {
        List<BatchDone> batches = new ArrayList<>(completedBatches);
        batches.add(done);
        return new RunRecord(runId, scheduleName, scheduledFor, started, ended, outcome, exitCode, reason, playbook,
                inventory, extraVarNames, counts, report, process, batches, user, controllerHost);
    }

    public RunRecord ended(String endedAt, String outcome, Integer exitCode, String reason, Counts counts, String report) {
        return new RunRecord(runId, scheduleName, scheduledFor, started, endedAt, outcome, exitCode, reason, playbook,
                inventory, extraVarNames, counts, report, process, completedBatches, user, controllerHost);
    }
}
