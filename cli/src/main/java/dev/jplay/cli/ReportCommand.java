package dev.jplay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jplay.engine.fleet.JplayDir;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.FailureGroup;
import dev.jplay.reports.FailureSummary;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunLocator;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.SafeText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jplay report [RUN]}: what failed in a past run, grouped by step and cause, then its recap. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Summarize a run's failures (grouped by step and cause) and its recap.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the run was ok", "1:run not found or unreadable", "2:the run had failures (or did not finish ok)"})
public final class ReportCommand implements Callable<Integer> {
    private static final int MAX_HOSTS_LISTED = 12;
    private static final int STDERR_LINES = 3;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN",
            description = "A run id, a run directory, or a report.json. Default: the newest run under the runs directory.")
    String run;

    @Option(names = "--runs-dir", paramLabel = "DIR", description = "Where runs are kept (default: $JPLAY_STATE_DIR/runs, else"
            + " .jplay/runs beside --playbook, else .jplay/runs in the working directory).")
    Path runsDir;

    @Option(names = {"-p", "--playbook"}, paramLabel = "FILE",
            description = "Find runs kept beside this playbook (.jplay next to it), as jplay apply keeps them.")
    Path playbook;


    @Option(names = "--json", description = "Print the failure groups and recap as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Path file;
        RunReport report;
        try {
            file = RunLocator.locate(run, runsDir != null ? runsDir : JplayDir.runsDir(JplayDir.locate(playbook, System.getenv())));
        } catch (IOException e) {
            System.err.println("jplay: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        try {
            report = ReportFiles.read(file);
        } catch (IOException e) {
            System.err.println("jplay: cannot read run report " + file + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        List<FailureGroup> groups = FailureSummary.of(report);
        boolean ok = groups.isEmpty() && report.exitCode() == 0;
        if (json) {
            printJson(System.out, file, report, groups);
        } else {
            printText(System.out, file, report, groups);
        }
        return ok ? ExitCodes.OK : ExitCodes.HOST_FAILED;
    }

    private static void printJson(PrintStream out, Path file, RunReport r, List<FailureGroup> groups) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("run_id", r.runId());
        doc.put("report", file.toString());
        doc.put("playbook", r.playbook());
        doc.put("outcome", r.outcome());
        doc.put("exit_code", r.exitCode());
        doc.put("failure_count", r.failures() == null ? 0 : r.failures().size());
        doc.put("groups", groups);
        doc.put("recap", r.recap());
        try {
            out.println(ReportFiles.json().writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print report " + file + " as JSON", e);
        }
    }

    private static void printText(PrintStream out, Path file, RunReport r, List<FailureGroup> groups) {
        out.println("run " + r.runId() + " · " + t(r.playbook()) + " · " + t(r.outcome()) + " (exit " + r.exitCode() + ") · "
                + r.durationMs() + " ms" + (r.check() ? " · check mode" : ""));
        out.println("report: " + file);
        out.println();
        int total = r.failures() == null ? 0 : r.failures().size();
        if (groups.isEmpty()) {
            out.println("FAILURES: none");
        } else {
            out.println("FAILURES: " + total + " in " + groups.size() + (groups.size() == 1 ? " group" : " groups"));
            int n = 0;
            for (FailureGroup g : groups) {
                out.println();
                out.println("[" + (++n) + "] " + t(g.step()) + "/" + t(g.code()) + " ×" + g.count() + " on " + g.hosts().size()
                        + (g.hosts().size() == 1 ? " host" : " hosts") + ": " + t(g.cause()));
                out.println("    hosts: " + list(g.hosts()));
                out.println("    tasks: " + list(g.tasks()));
                out.println("    first: " + t(g.firstLocation()) + " (" + t(g.firstFailure().task()) + " on " + t(g.firstFailure().host()) + ")");
                Object doing = g.firstFailure().detail() == null ? null : g.firstFailure().detail().get("activity");
                if (doing instanceof String d) out.println("    doing: " + t(d));
                Object stderr = g.firstFailure().detail() == null ? null : g.firstFailure().detail().get("stderr_tail");
                if (stderr instanceof String s && !s.isBlank()) {
                    for (String line : lastLines(s)) out.println("    stderr| " + line);
                }
                out.println("    next: " + t(g.nextAction()));
            }
        }
        out.println();
        out.println("PLAY RECAP");
        Map<String, HostRecap> recap = r.recap() == null ? Map.of() : r.recap();
        int width = recap.keySet().stream().mapToInt(String::length).max().orElse(0);
        recap.forEach((host, c) -> out.printf("%-" + Math.max(1, width) + "s : ok=%-4d changed=%-4d unreachable=%-4d failed=%-4d skipped=%-4d rescued=%-4d ignored=%d%n",
                t(host), c.ok(), c.changed(), c.unreachable(), c.failed(), c.skipped(), c.rescued(), c.ignored()));
    }

    /** Report text is untrusted: no terminal escape sequences reach the terminal. */
    private static String t(String s) {
        return SafeText.clean(s).replaceAll("[\\r\\n\\t]+", " ");
    }

    private static String list(List<String> items) {
        if (items.isEmpty()) return "-";
        List<String> shown = items.size() > MAX_HOSTS_LISTED ? items.subList(0, MAX_HOSTS_LISTED) : items;
        String text = String.join(", ", shown.stream().map(ReportCommand::t).toList());
        return items.size() > shown.size() ? text + ", … and " + (items.size() - shown.size()) + " more" : text;
    }

    private static List<String> lastLines(String s) {
        List<String> lines = s.strip().lines().map(l -> SafeText.clean(l).replace("\r", "")).toList();
        return lines.size() <= STDERR_LINES ? lines : lines.subList(lines.size() - STDERR_LINES, lines.size());
    }
}
