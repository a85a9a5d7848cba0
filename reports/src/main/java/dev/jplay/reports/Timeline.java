package dev.jplay.reports;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a run's per-host timeline as inline SVG: one row per host, one bar per task result placed by its
 * {@code started} and sized by {@code duration_ms}, and a lane of rolling batches when the run had any.
 * Bars carry an SVG {@code <title>}: browsers show it on hover without any script.
 */
final class Timeline {
    private static final int WIDTH = 1160;
    private static final int LABEL = 190;
    private static final int ROW = 22;
    private static final int AXIS = 26;

    private Timeline() {}

    static String svg(RunReport report, List<BatchStart> batches) {
        Instant runStart = parse(report.started());
        Map<String, List<TaskOutcome>> byHost = new LinkedHashMap<>();
        // rows in inventory order (the recap's), then any host only the results name
        if (report.recap() != null) report.recap().keySet().forEach(h -> byHost.put(h, new ArrayList<>()));
        long first = runStart == null ? Long.MAX_VALUE : runStart.toEpochMilli();
        long last = Long.MIN_VALUE;
        for (TaskOutcome o : report.results()) {
            byHost.computeIfAbsent(o.host(), h -> new ArrayList<>()).add(o);
            Instant s = parse(o.started());
            if (s == null) continue;
            first = Math.min(first, s.toEpochMilli());
            last = Math.max(last, s.toEpochMilli() + Math.max(0, o.durationMs()));
        }
        Instant runEnd = parse(report.finished());
        if (runEnd != null) last = Math.max(last, runEnd.toEpochMilli());
        if (first == Long.MAX_VALUE || last == Long.MIN_VALUE) return "<p class=\"muted\">No timed results to draw.</p>";
        for (BatchStart b : batches) first = Math.min(first, b.time().toEpochMilli());
        long span = Math.max(1, last - first);
        Scale x = new Scale(first, span);

        boolean hasBatches = !batches.isEmpty();
        int top = AXIS + (hasBatches ? ROW + 6 : 0);
        int height = top + byHost.size() * ROW + 8;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"timeline\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" width=\"100%\" role=\"img\" aria-label=\"Per-host timeline of task results\">\n");
        axis(svg, x, height);
        if (hasBatches) batchLane(svg, x, batches, report, AXIS);
        int row = 0;
        for (Map.Entry<String, List<TaskOutcome>> host : byHost.entrySet()) {
            int y = top + row * ROW;
            if (row % 2 == 1) svg.append("<rect class=\"stripe\" x=\"0\" y=\"").append(y).append("\" width=\"").append(WIDTH)
                    .append("\" height=\"").append(ROW).append("\"/>\n");
            svg.append("<text class=\"host\" x=\"").append(LABEL - 8).append("\" y=\"").append(y + ROW / 2 + 4).append("\">")
                    .append("<title>").append(Html.esc(host.getKey())).append("</title>")
                    .append(Html.esc(shorten(host.getKey(), 26))).append("</text>\n");
            for (TaskOutcome o : host.getValue()) bar(svg, x, o, y);
            row++;
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static void bar(StringBuilder svg, Scale x, TaskOutcome o, int y) {
        Instant s = parse(o.started());
        if (s == null) return;
        double x0 = x.at(s.toEpochMilli());
        double w = Math.max(2.5, x.width(o.durationMs()));
        String status = o.ignored() ? "ignored" : o.status();
        svg.append("<rect class=\"bar s-").append(Html.esc(status)).append("\" x=\"").append(fmt(x0)).append("\" y=\"").append(y + 4)
                .append("\" width=\"").append(fmt(w)).append("\" height=\"").append(ROW - 8).append("\" rx=\"2\"><title>")
                .append(Html.esc(JUnitXmlWriter.caseName(o))).append(" — ").append(Html.esc(status)).append(", ")
                .append(Html.esc(Durations.human(o.durationMs())));
        if (o.location() != null) svg.append(" — ").append(Html.esc(o.location()));
        svg.append("</title></rect>\n");
    }

    private static void batchLane(StringBuilder svg, Scale x, List<BatchStart> batches, RunReport report, int y) {
        svg.append("<text class=\"host\" x=\"").append(LABEL - 8).append("\" y=\"").append(y + ROW / 2 + 4).append("\">batches</text>\n");
        for (int i = 0; i < batches.size(); i++) {
            BatchStart b = batches.get(i);
            long start = b.time().toEpochMilli();
            long end = endOf(b, i + 1 < batches.size() ? batches.get(i + 1) : null, report, start);
            double x0 = x.at(start);
            double w = Math.max(3, x.at(end) - x0 - 1);
            svg.append("<g class=\"batch b").append(i % 2).append("\"><rect x=\"").append(fmt(x0)).append("\" y=\"").append(y + 2)
                    .append("\" width=\"").append(fmt(w)).append("\" height=\"").append(ROW - 4).append("\" rx=\"3\"/><title>")
                    .append(Html.esc(b.play())).append(" — batch ").append(b.batch()).append(": ")
                    .append(Html.esc(String.join(", ", b.hosts()))).append("</title>");
            if (w > 46) {
                svg.append("<text x=\"").append(fmt(x0 + 5)).append("\" y=\"").append(y + ROW / 2 + 4).append("\">")
                        .append("batch ").append(b.batch()).append(" · ").append(b.hosts().size())
                        .append(b.hosts().size() == 1 ? " host" : " hosts").append("</text>");
            }
            svg.append("</g>\n");
        }
    }

    /** A batch lasts until the next one of its play starts, or until its hosts' last result ends. */
    private static long endOf(BatchStart b, BatchStart next, RunReport report, long start) {
        if (next != null && next.play().equals(b.play())) return next.time().toEpochMilli();
        long end = start;
        for (TaskOutcome o : report.results()) {
            Instant s = parse(o.started());
            if (s != null && b.play().equals(o.play()) && b.hosts().contains(o.host()) && s.toEpochMilli() >= start) {
                end = Math.max(end, s.toEpochMilli() + o.durationMs());
            }
        }
        return end;
    }

    private static void axis(StringBuilder svg, Scale x, int height) {
        long step = niceStep(x.span / 8.0);
        for (long t = 0; t <= x.span; t += step) {
            double px = x.at(x.origin + t);
            svg.append("<line class=\"tick\" x1=\"").append(fmt(px)).append("\" y1=\"").append(AXIS - 6).append("\" x2=\"").append(fmt(px))
                    .append("\" y2=\"").append(height).append("\"/><text class=\"tick\" x=\"").append(fmt(px)).append("\" y=\"")
                    .append(AXIS - 10).append("\">").append(Html.esc(Durations.axis(t, step))).append("</text>\n");
        }
    }

    static long niceStep(double raw) {
        if (raw <= 1) return 1;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (int m : new int[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) return (long) (m * magnitude);
        }
        return (long) (10 * magnitude);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static Instant parse(String iso) {
        if (iso == null) return null;
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private record Scale(long origin, long span) {
        double at(long epochMs) {
            return LABEL + (epochMs - origin) * (double) (WIDTH - LABEL - 12) / span;
        }

        double width(long ms) {
            return ms * (double) (WIDTH - LABEL - 12) / span;
        }
    }
}
