package dev.jplay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.engine.fleet.JplayDir;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.schedule.Durations;
import dev.jplay.engine.schedule.RunHistory;
import dev.jplay.engine.schedule.RunRecord;
import dev.jplay.engine.schedule.StateDir;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jplay history}: scheduled and manual runs, newest last. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "List recorded runs (scheduled and manual).")
public final class HistoryCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the history is (default: $JPLAY_STATE_DIR, else .jplay beside"
            + " --playbook, else .jplay in the working directory).")
    Path stateDir;

    @Option(names = {"-p", "--playbook"}, paramLabel = "FILE",
            description = "Read the history kept beside this playbook (.jplay next to it), as jplay apply keeps them.")
    Path playbook;


    @Option(names = "--schedule", paramLabel = "NAME", description = "Only this schedule ('manual' for jplay apply runs).")
    String schedule;

    @Option(names = "--since", paramLabel = "WHEN", description = "Runs started since: 2026-03-01, 2026-03-01T10:00:00Z, or an age like 24h or 7d.")
    String since;

    @Option(names = "--outcome", paramLabel = "OUTCOME",
            description = "ok, failed (any failure), unreachable, interrupted, skipped, running or error.")
    String outcome;

    @Option(names = "--json", description = "One JSON object per run.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Instant from;
        try {
            from = since == null ? Instant.MIN : parseSince(since, Instant.now());
        } catch (IllegalArgumentException e) {
            System.err.println("jplay: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        RunHistory history = StateDir.history(stateDir != null ? stateDir : JplayDir.locate(playbook, System.getenv()));
        RunHistory.Contents contents = history.read();
        if (contents.unreadableLines() > 0) {
            System.err.println("jplay: warning: skipped " + contents.unreadableLines() + " unreadable line(s) in " + history.file());
        }
        List<RunRecord> runs = history.runs().stream()
                .map(HistoryCommand::withCrashShown)
                .filter(r -> schedule == null || schedule.equals(r.scheduleName()))
                .filter(r -> outcome == null || r.hasOutcome(outcome))
                .filter(r -> r.started() != null && !Instant.parse(r.started()).isBefore(from))
                .toList();
        if (json) {
            for (RunRecord r : runs) System.out.println(JSON.writeValueAsString(r));
            return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
            System.out.println("no runs" + (contents.lines().isEmpty() ? " recorded in " + history.file() : " match"));
            return ExitCodes.OK;
        }
        System.out.printf("%-24s %-16s %-24s %-9s %-12s %-22s %-20s %s%n", "RUN", "SCHEDULE", "STARTED", "DURATION", "OUTCOME",
                "HOSTS ok/chg/fail/unr", "BY", "REASON / REPORT");
        for (RunRecord r : runs) {
            String duration = r.ended() == null ? "-" : Durations.format(Duration.between(Instant.parse(r.started()), Instant.parse(r.ended())));
            RunRecord.Counts c = r.counts();
            String counts = c == null ? "-" : c.hosts() + ": " + c.ok() + "/" + c.changed() + "/" + c.failed() + "/" + c.unreachable();
            String tail = r.reason() != null ? r.reason() : r.report() != null ? r.report() : "";
            String by = r.user() == null && r.controllerHost() == null ? "-"
                    : (r.user() == null ? "?" : r.user()) + "@" + (r.controllerHost() == null ? "?" : r.controllerHost());
            System.out.printf("%-24s %-16s %-24s %-9s %-12s %-22s %-20s %s%n", r.runId(), r.scheduleName(), r.started(), duration,
                    r.outcome(), counts, by, tail);
        }
        return ExitCodes.OK;
    }

    /** A run still marked running whose process is gone crashed; the scheduler records that on its next start. */
    static RunRecord withCrashShown(RunRecord r) {
        if (!r.isRunning() || r.process() == null || !r.process().isDeadHere()) return r;
        return r.ended(null, RunRecord.INTERRUPTED, null, "its process (" + r.process() + ") is gone: crash or kill -9", r.counts(), r.report());
    }

    static Instant parseSince(String s, Instant now) {
        String t = s.strip();
        if (t.matches("(\\d+[dhms])+")) return now.minus(Durations.parse(t));
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(t).atStartOfDay(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("--since '" + s + "': expected 2026-03-01, 2026-03-01T10:00:00Z or an age like 24h");
            }
        }
    }
}
