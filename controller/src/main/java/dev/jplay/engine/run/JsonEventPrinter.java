package dev.jplay.engine.run;

import dev.jplay.engine.connection.StartupReport;
import dev.jplay.reports.EventStream;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.TaskOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns the run into {@link EventStream} events (stdout for {@code --json}, {@code events.jsonl} in the run dir). */
public final class JsonEventPrinter implements RunListener {
    private final EventStream events;

    public JsonEventPrinter(EventStream events) {
        this.events = events;
    }

    @Override
    public void runStarted(String playbook) {
        events.emit("run_start", Map.of("playbook", playbook));
    }

    @Override
    public void playStarted(String play, List<String> hosts) {
        events.emit("play_start", Map.of("play", play, "hosts", hosts));
    }

    @Override
    public void batchStarted(String play, int batch, List<String> hosts) {
        events.emit("batch_start", Map.of("play", play, "batch", batch, "hosts", hosts));
    }

    @Override
    public void taskStarted(String play, String task, String location, boolean handler) {
        events.emit(handler ? "handler_start" : "task_start", Map.of("play", play, "task", task, "location", location));
    }

    @Override
    public void hostResult(TaskOutcome outcome) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = ReportFiles.json().convertValue(outcome, LinkedHashMap.class);
        events.emit("host_result", fields);
    }

    @Override
    public void warning(String message) {
        events.emit("warning", Map.of("message", message));
    }

    @Override
    public void imagePrestaged(String host, Map<String, Object> data) {
        Map<String, Object> f = new java.util.LinkedHashMap<>(data);
        f.put("host", host);
        events.emit("image_prestaged", f);
    }

    @Override
    public void runtimePushed(String host, StartupReport.RuntimePush push) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("host", host);
        f.put("dir", push.dir());
        f.put("bytes", push.bytes());
        f.put("unpacked_bytes", push.unpackedBytes());
        f.put("upload_ms", push.upload().toMillis());
        f.put("install_and_start_ms", push.installAndStart().toMillis());
        if (push.built() != null) f.put("built_ms", push.built().toMillis());
        events.emit("runtime_pushed", f);
    }

    @Override
    public void runFinished(Map<String, HostRecap> recap, int exitCode) {
        events.emit("run_end", Map.of("recap", recap, "exit_code", exitCode));
    }
}
