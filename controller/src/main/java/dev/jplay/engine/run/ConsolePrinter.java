package dev.jplay.engine.run;

import dev.jplay.engine.connection.StartupReport;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.TaskOutcome;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Human output, shaped like ansible-playbook's: PLAY and TASK headers, a line per host result, failures with
 * where and why, then PLAY RECAP. Colour only on a terminal.
 */
public final class ConsolePrinter implements RunListener {
    private final PrintStream out;
    private final boolean color;
    private final int verbosity;
    /** On a terminal: a status line kept at the bottom (play, batch, task, hosts done, failures). */
    private final boolean live;
    private String play = "";
    private String batch = "";
    private String task = "";
    private int taskTotal;
    private int taskDone;
    private int failures;
    private int playHosts;

    public ConsolePrinter(PrintStream out, boolean color, int verbosity) {
        this.out = out;
        this.color = color;
        this.live = color;
        this.verbosity = verbosity;
    }

    @Override
    public synchronized void playStarted(String play, List<String> hosts) {
        this.play = play;
        this.playHosts = hosts.size();
        this.batch = "";
        this.taskTotal = hosts.size();
        line("");
        line(header("PLAY [" + play + "]"));
    }

    @Override
    public synchronized void batchStarted(String play, int batch, List<String> hosts) {
        this.batch = "batch " + batch;
        this.taskTotal = hosts.size();
        line(paint("batch " + batch + ": " + hosts.size() + " host(s)", "36"));
    }

    @Override
    public synchronized void taskStarted(String play, String task, String location, boolean handler) {
        this.task = task;
        this.taskDone = 0;
        line("");
        line(header((handler ? "RUNNING HANDLER [" : "TASK [") + task + "]"));
        if (verbosity > 0) line("task path: " + location);
    }

    @Override
    public synchronized void hostResult(TaskOutcome o) {
        if (o.item() == null) taskDone++;
        if ((TaskOutcome.FAILED.equals(o.status()) && !o.ignored()) || TaskOutcome.UNREACHABLE.equals(o.status())) failures++;
        String item = o.item() == null ? "" : " (item=" + o.item() + ")";
        String host = o.delegatedTo() == null ? o.host() : o.host() + " -> " + o.delegatedTo(); // Ansible's [web1 -> lb1]
        switch (o.status()) {
            case TaskOutcome.OK -> line(paint("ok: [" + host + "]" + item + detail(o), "32"));
            case TaskOutcome.CHANGED -> line(paint("changed: [" + host + "]" + item + detail(o), "33"));
            case TaskOutcome.SKIPPED -> {
                if (verbosity > 0) line(paint("skipping: [" + host + "]" + item, "36"));
            }
            case TaskOutcome.UNREACHABLE -> line(paint("unreachable: [" + host + "]" + failure(o.error()), "31"));
            case TaskOutcome.FAILED -> {
                line(paint("failed: [" + host + "]" + item + failure(o.error()), "31"));
                if (o.ignored()) line(paint("...ignoring", "36"));
            }
            default -> line(o.status() + ": [" + host + "]");
        }
        status();
    }

    private String detail(TaskOutcome o) {
        StringBuilder sb = new StringBuilder();
        if ("debug".equals(o.module()) && o.msg() != null) sb.append(" => ").append(o.msg());
        else if (verbosity > 0) {
            if (o.stdout() != null && !o.stdout().isEmpty()) sb.append("\n  stdout: ").append(o.stdout().strip());
            if (o.msg() != null) sb.append("\n  msg: ").append(o.msg());
        }
        if (o.diff() != null) sb.append("\n  diff: before=").append(o.diff().get("before")).append(" after=").append(o.diff().get("after"));
        return sb.toString();
    }

    private static String failure(FailureInfo f) {
        if (f == null) return "";
        StringBuilder sb = new StringBuilder(" => ").append(f.step()).append('/').append(f.code()).append(": ").append(f.cause());
        if (f.location() != null) sb.append("\n  at ").append(f.location());
        if (f.detail() != null && f.detail().get("activity") instanceof String doing) sb.append("\n  doing: ").append(doing);
        if (f.detail() != null && f.detail().get("stderr_tail") instanceof String err) {
            sb.append("\n  stderr: ").append(err.strip().replace("\n", "\n          "));
        }
        return sb.toString();
    }

    @Override
    public synchronized void warning(String message) {
        line(paint("[WARNING]: " + message, "35"));
    }

    @Override
    public synchronized void runtimePushed(String host, StartupReport.RuntimePush push) {
        line(paint("java runtime pushed to " + host + ": " + push.describe(), "36"));
    }

    @Override
    public synchronized void runFinished(Map<String, HostRecap> recap, int exitCode) {
        if (live) out.print("\r\u001b[K");
        out.println();
        out.println(header("PLAY RECAP"));
        int width = recap.keySet().stream().mapToInt(String::length).max().orElse(10);
        recap.forEach((host, r) -> {
            String c = r.failed() > 0 || r.unreachable() > 0 ? "31" : r.changed() > 0 ? "33" : "32";
            out.printf("%s : ok=%-4d changed=%-4d unreachable=%-4d failed=%-4d skipped=%-4d rescued=%-4d ignored=%-4d%n",
                    paint(String.format("%-" + width + "s", host), c), r.ok(), r.changed(), r.unreachable(), r.failed(),
                    r.skipped(), r.rescued(), r.ignored());
        });
        out.flush();
    }

    private void line(String text) {
        if (live) out.print("\r\u001b[K");
        out.println(text);
        if (live) status();
    }

    /** The live status line (no newline), redrawn after every line printed above it. */
    private void status() {
        if (!live) return;
        StringBuilder sb = new StringBuilder("\r\u001b[K\u001b[7m ").append(play);
        if (!batch.isEmpty()) sb.append(" · ").append(batch);
        if (!task.isEmpty()) sb.append(" · ").append(task).append(' ').append(Math.min(taskDone, taskTotal)).append('/').append(taskTotal);
        sb.append(" · ").append(playHosts).append(" hosts");
        if (failures > 0) sb.append(" · ").append(failures).append(" failed");
        sb.append(" \u001b[0m");
        out.print(sb);
        out.flush();
    }

    private String header(String text) {
        int stars = Math.max(3, 79 - text.length() - 1);
        return text + " " + "*".repeat(stars);
    }

    private String paint(String s, String code) {
        return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
