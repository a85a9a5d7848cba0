package dev.jplay.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS, no scripts, no external assets) that puts the
 * failures first, each with where it happened, why, the remote stderr and a next step; then the recap, a
 * per-host timeline and every result. All report text is untrusted (agent output) and is escaped.
 */
public final class HtmlReportWriter {
    public static final String FILE = "report.html";
    private static final int STDERR_TAIL = 3000;

    private HtmlReportWriter() {}

    public static Path write(Path runDir, RunReport report, List<BatchStart> batches) throws IOException {
        Path target = runDir.resolve(FILE);
        ReportFiles.writeAtomically(target, render(report, batches).getBytes(StandardCharsets.UTF_8));
        return target;
    }

    public static String render(RunReport report, List<BatchStart> batches) {
        StringBuilder h = new StringBuilder(32_768);
        String outcome = report.outcome() == null ? "unknown" : report.outcome();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>jplay · ").append(Html.esc(report.playbook())).append(" · ").append(Html.esc(outcome)).append("</title>\n")
                .append("<style>").append(Style.CSS).append("</style></head>\n<body>\n");
        header(h, report, outcome);
        failures(h, report);
        recap(h, report);
        h.append("<section id=\"timeline\"><h2>Timeline</h2>\n<div class=\"legend\">");
        for (String s : List.of("ok", "changed", "failed", "ignored", "unreachable", "skipped")) {
            h.append("<span><i class=\"s-").append(s).append("\"></i>").append(s).append("</span>");
        }
        h.append("</div>\n").append(Timeline.svg(report, batches)).append("\n</section>\n");
        results(h, report);
        h.append("<footer>jplay ").append(Html.esc(report.jplayVersion())).append(" · report schema ")
                .append(report.schemaVersion()).append(" · run ").append(Html.esc(report.runId())).append("</footer>\n</body></html>\n");
        return h.toString();
    }

    private static void header(StringBuilder h, RunReport r, String outcome) {
        int failed = r.failures() == null ? 0 : r.failures().size();
        h.append("<header><div class=\"title\"><h1>").append(Html.esc(r.playbook())).append("</h1>")
                .append("<span class=\"badge o-").append(Html.esc(outcome)).append("\">").append(Html.esc(outcome.replace('_', ' ')))
                .append(" · exit ").append(r.exitCode()).append("</span>");
        if (r.check()) h.append("<span class=\"badge o-check\">check mode</span>");
        h.append("</div>\n<dl class=\"meta\">")
                .append(meta("run", r.runId()))
                .append(meta("started", r.started() == null ? "" : r.started().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z")))
                .append(meta("duration", Durations.human(r.durationMs())))
                .append(meta("hosts", Integer.toString(r.recap() == null ? 0 : r.recap().size())))
                .append(meta("failures", Integer.toString(failed)))
                .append(meta("inventory", r.inventory() == null ? "" : String.join(", ", r.inventory())))
                .append("</dl></header>\n");
    }

    private static String meta(String name, String value) {
        return "<div><dt>" + Html.esc(name) + "</dt><dd>" + Html.esc(value) + "</dd></div>";
    }

    private static void failures(StringBuilder h, RunReport r) {
        List<FailureGroup> groups = FailureSummary.of(r);
        h.append("<section id=\"failures\"").append(groups.isEmpty() ? " class=\"clean\"" : "").append("><h2>Failures");
        if (groups.isEmpty()) {
            h.append("</h2>\n<p class=\"none\">No failures: every host finished its tasks.</p></section>\n");
            return;
        }
        h.append(" <small>").append(r.failures().size()).append(" in ").append(groups.size())
                .append(groups.size() == 1 ? " group" : " groups").append("</small></h2>\n");
        for (FailureGroup g : groups) {
            h.append("<article class=\"group\"><div class=\"ghead\"><span class=\"step\">").append(Html.esc(g.step())).append(" / ")
                    .append(Html.esc(g.code())).append("</span><span class=\"gcause\">").append(Html.esc(g.cause()))
                    .append("</span><span class=\"count\">").append(g.count()).append(" × on ").append(g.hosts().size())
                    .append(g.hosts().size() == 1 ? " host" : " hosts").append("</span></div>\n")
                    .append("<p class=\"next\"><b>Next step</b> ").append(Html.esc(g.nextAction())).append("</p>\n")
                    .append("<table class=\"fails\"><thead><tr><th>host</th><th>task</th><th>location</th><th>cause</th></tr></thead><tbody>\n");
            boolean firstOpen = true;
            for (FailureInfo raw : r.failures()) {
                if (!inGroup(raw, g)) continue;
                FailureInfo f = Redaction.redact(raw);
                h.append("<tr><td class=\"h\">").append(Html.esc(f.host())).append("</td><td>").append(Html.esc(f.task()))
                        .append("</td><td class=\"loc\">").append(Html.esc(f.location())).append("</td><td>")
                        .append(Html.esc(FailureCause.message(f))).append("</td></tr>\n");
                String details = details(f);
                if (!details.isEmpty()) {
                    h.append("<tr class=\"more\"><td colspan=\"4\"><details").append(firstOpen ? " open" : "").append(">")
                            .append("<summary>stderr and details</summary>").append(details).append("</details></td></tr>\n");
                    firstOpen = false;
                }
            }
            h.append("</tbody></table></article>\n");
        }
        h.append("</section>\n");
    }

    private static boolean inGroup(FailureInfo f, FailureGroup g) {
        return java.util.Objects.equals(f.step(), g.step()) && java.util.Objects.equals(f.code(), g.code())
                && FailureCause.normalized(f).equals(g.cause());
    }

    private static String details(FailureInfo f) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> d = f.detail() == null ? Map.of() : f.detail();
        StringBuilder facts = new StringBuilder();
        d.forEach((k, v) -> {
            if (!k.equals("stderr_tail")) facts.append("<div><dt>").append(Html.esc(k)).append("</dt><dd>").append(Html.esc(v)).append("</dd></div>");
        });
        if (facts.length() > 0) b.append("<dl class=\"facts\">").append(facts).append("</dl>");
        if (d.get("stderr_tail") instanceof String err && !err.isBlank()) {
            b.append("<pre class=\"stderr\">").append(Html.esc(SafeText.tail(err, STDERR_TAIL))).append("</pre>");
        }
        if (f.cause() != null && !f.cause().equals(FailureCause.message(f))) {
            b.append("<p class=\"full\">").append(Html.esc(f.cause())).append("</p>");
        }
        return b.toString();
    }

    private static void recap(StringBuilder h, RunReport r) {
        h.append("<section id=\"recap\"><h2>Recap</h2>\n<table class=\"recap\"><thead><tr><th>host</th>");
        List<String> cols = List.of("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored");
        for (String c : cols) h.append("<th class=\"n\">").append(c).append("</th>");
        h.append("</tr></thead><tbody>\n");
        Map<String, HostRecap> recap = r.recap() == null ? Map.of() : r.recap();
        recap.entrySet().stream()
                .sorted((a, b) -> Integer.compare(severity(b.getValue()), severity(a.getValue())))
                .forEach(e -> {
                    HostRecap c = e.getValue();
                    String cls = c.unreachable() > 0 ? "r-unreachable" : c.failed() > 0 ? "r-failed" : c.changed() > 0 ? "r-changed" : "r-ok";
                    h.append("<tr class=\"").append(cls).append("\"><td class=\"h\">").append(Html.esc(e.getKey())).append("</td>");
                    int[] values = {c.ok(), c.changed(), c.unreachable(), c.failed(), c.skipped(), c.rescued(), c.ignored()};
                    for (int i = 0; i < values.length; i++) {
                        h.append("<td class=\"n").append(values[i] == 0 ? " zero" : " c-" + cols.get(i)).append("\">").append(values[i]).append("</td>");
                    }
                    h.append("</tr>\n");
                });
        h.append("</tbody></table></section>\n");
    }

    private static int severity(HostRecap c) {
        return c.unreachable() > 0 ? 3 : c.failed() > 0 ? 2 : c.changed() > 0 ? 1 : 0;
    }

    private static void results(StringBuilder h, RunReport r) {
        h.append("<section id=\"results\"><details><summary><h2>All results <small>").append(r.results().size())
                .append("</small></h2></summary>\n<table class=\"results\"><thead><tr><th>host</th><th>play</th><th>task</th>")
                .append("<th>status</th><th class=\"n\">time</th><th>location</th><th>message</th></tr></thead><tbody>\n");
        for (TaskOutcome o : r.results()) {
            String status = o.ignored() ? "ignored" : o.status();
            String where = o.delegatedTo() == null ? o.host() : o.host() + " -> " + o.delegatedTo();
            h.append("<tr><td class=\"h\">").append(Html.esc(where)).append("</td><td>").append(Html.esc(o.play()))
                    .append("</td><td>").append(Html.esc(JUnitXmlWriter.caseName(o))).append("</td><td><span class=\"pill s-")
                    .append(Html.esc(status)).append("\">").append(Html.esc(status)).append("</span></td><td class=\"n\">")
                    .append(Html.esc(Durations.human(o.durationMs()))).append("</td><td class=\"loc\">").append(Html.esc(o.location()))
                    .append("</td><td>").append(Html.esc(o.msg() == null ? "" : SafeText.tail(o.msg(), 300))).append("</td></tr>\n");
        }
        h.append("</tbody></table></details></section>\n");
    }
}
