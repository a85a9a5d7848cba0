package dev.jplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {
    @TempDir
    Path dir;

    @Test
    void reportRoundTripsAndLeavesNoTempFiles() throws Exception {
        FailureInfo f = new FailureInfo("web1", "install", "site.yml:12:7", "exec", "NON_ZERO_RC", "exit 2", Map.of("rc", 2));
        TaskOutcome o = new TaskOutcome("web1", "p", "install", "command", "site.yml:12:7", TaskOutcome.FAILED, false,
                false, null, 2, "", "boom", "non-zero return code", null, "2026-01-01T00:00:00Z", 12, f);
        RunReport r = new RunReport(RunReport.SCHEMA_VERSION, "run1", "0.1", "site.yml", List.of("hosts.yml"), false,
                "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", 1000, 2, "failed",
                Map.of("web1", HostRecap.ZERO.add(o)), List.of(f), List.of(o));
        Path written = ReportFiles.write(dir, r);
        ReportFiles.write(dir, r); // overwrite in place
        RunReport back = ReportFiles.read(written);
        assertEquals(r, back);
        assertEquals(1, back.recap().get("web1").failed());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(ReportFiles.REPORT), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void recapCountsLikeAnsible() {
        HostRecap r = HostRecap.ZERO;
        r = r.add(outcome(TaskOutcome.CHANGED, false));
        r = r.add(outcome(TaskOutcome.OK, false));
        r = r.add(outcome(TaskOutcome.FAILED, true));
        r = r.add(outcome(TaskOutcome.SKIPPED, false));
        assertEquals(new HostRecap(2, 1, 0, 0, 1, 1, 0), r);
    }

    @Test
    void eventsAreOneObjectPerLineInOrder() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (EventStream events = new EventStream().add(sink)) {
            events.emit("run_start", Map.of("playbook", "a\nb.yml"));
            events.emit("run_end", Map.of("exit_code", 0));
        }
        String[] lines = sink.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        var first = ReportFiles.json().readTree(lines[0]);
        assertEquals("run_start", first.get("event").asText());
        assertEquals(1, first.get("seq").asInt());
        assertEquals("a\nb.yml", first.get("playbook").asText());
        assertEquals(2, ReportFiles.json().readTree(lines[1]).get("seq").asInt());
        assertFalse(lines[0].contains("\n"));
        assertTrue(lines[1].contains("\"exit_code\":0"));
    }

    private static TaskOutcome outcome(String status, boolean ignored) {
        return new TaskOutcome("h", "p", "t", "m", null, status, TaskOutcome.CHANGED.equals(status), ignored, null, null,
                null, null, null, null, null, 1, null);
    }
}
