package dev.jplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportWriterTest {
    @TempDir
    Path dir;

    @Test
    void untrustedTextIsEscapedEverywhere() throws Exception {
        String evilHost = "web\"><img src=x onerror=alert(2)>";
        RunReport report = Fixtures.report(List.of(
                Fixtures.ok(evilHost, Fixtures.SCRIPT, "2026-01-01T00:00:00.100Z", 300),
                Fixtures.failed("web-1", "migrate " + Fixtures.SCRIPT, Fixtures.SCRIPT, "fatal: " + Fixtures.SCRIPT + "\n",
                        Map.of("api_token", "tok-123", "note", Fixtures.SCRIPT), false, "2026-01-01T00:00:01Z")));

        Path file = HtmlReportWriter.write(dir, report, List.of());
        String html = Files.readString(file, StandardCharsets.UTF_8);

        assertFalse(html.toLowerCase().contains("<script"), "no script element may come from report content");
        assertFalse(html.contains("<img"), "no element may come from a host name");
        assertTrue(html.contains("fatal: &lt;script&gt;alert(1)&lt;/script&gt;"), "stderr shown, escaped");
        assertTrue(html.contains("web&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
        assertFalse(html.contains("tok-123"), "secret-looking detail is redacted");
        assertTrue(html.contains(Redaction.MASK));
    }

    @Test
    void failuresComeFirstWithLocationAndNextStep() {
        RunReport report = Fixtures.report(List.of(
                Fixtures.ok("web-1", "install", "2026-01-01T00:00:00.100Z", 300),
                Fixtures.unreachable("db-1", "10.0.0.7", 22, "2026-01-01T00:00:00.050Z"),
                Fixtures.failed("web-1", "migrate", null, "boom", Map.of(), false, "2026-01-01T00:00:01Z")));
        String html = HtmlReportWriter.render(report, List.of());

        int failures = html.indexOf("id=\"failures\"");
        int recap = html.indexOf("id=\"recap\"");
        int timeline = html.indexOf("id=\"timeline\"");
        assertTrue(failures > 0 && failures < recap && recap < timeline, "failures, then recap, then timeline");
        String failureSection = html.substring(failures, recap);
        assertTrue(failureSection.contains("site.yml:12:7"));
        assertTrue(failureSection.contains("check that sshd runs on db-1 and the port is right: ssh -p 22 USER@10.0.0.7"), failureSection);
        assertTrue(failureSection.contains("run the command on web-1"), failureSection);
        assertEquals(3, count(html, "<rect class=\"bar "), "one timeline bar per result");
        assertFalse(html.contains("class=\"batch"), "no batch lane without batches");
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "self-contained: no external assets");
    }

    @Test
    void batchesFromEventsAreDrawnAsALane() throws Exception {
        Files.writeString(dir.resolve(ReportFiles.EVENTS), String.join("\n",
                "{\"event\":\"run_start\",\"seq\":1,\"time\":\"2026-01-01T00:00:00Z\",\"playbook\":\"site.yml\"}",
                "{\"event\":\"batch_start\",\"seq\":2,\"time\":\"2026-01-01T00:00:00.010Z\",\"play\":\"deploy\",\"batch\":1,\"hosts\":[\"web-1\"]}",
                "{\"event\":\"batch_start\",\"seq\":3,\"time\":\"2026-01-01T00:00:01Z\",\"play\":\"deploy\",\"batch\":2,\"hosts\":[\"web-2\",\"web-3\"]}",
                "{\"event\":\"batch_st"));
        List<BatchStart> batches = BatchStart.read(dir.resolve(ReportFiles.EVENTS));
        assertEquals(List.of(new BatchStart("deploy", 1, List.of("web-1"), Instant.parse("2026-01-01T00:00:00.010Z")),
                new BatchStart("deploy", 2, List.of("web-2", "web-3"), Instant.parse("2026-01-01T00:00:01Z"))), batches);

        RunReport report = Fixtures.report(List.of(
                Fixtures.ok("web-1", "install", "2026-01-01T00:00:00.100Z", 800),
                Fixtures.ok("web-2", "install", "2026-01-01T00:00:01.100Z", 800),
                Fixtures.ok("web-3", "install", "2026-01-01T00:00:01.100Z", 900)));
        String html = HtmlReportWriter.render(report, batches);
        assertEquals(2, count(html, "<g class=\"batch"));
        assertTrue(html.contains("deploy — batch 2: web-2, web-3"));
        assertTrue(html.contains("batch 2 · 2 hosts"));
    }

    @Test
    void missingEventsFileMeansNoBatches() throws Exception {
        assertEquals(List.of(), BatchStart.read(dir.resolve("absent.jsonl")));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }
}
