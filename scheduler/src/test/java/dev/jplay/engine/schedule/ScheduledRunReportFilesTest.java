package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.BatchGate;
import dev.jplay.reports.HtmlReportWriter;
import dev.jplay.reports.JUnitXmlWriter;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A scheduled rollout writes the run files {@code jplay apply} writes — report.json, junit.xml and report.html (with
 * its batch lane from events.jsonl) — since both run in one {@link dev.jplay.engine.run.RunSession}. Two local hosts,
 * serial 1, the real agent as a subprocess, as in {@link GatedRolloutTest}.
 */
class ScheduledRunReportFilesTest {
    @TempDir Path dir;

    @Test
    void scheduledRunWritesReportJsonJUnitXmlAndHtml() throws Exception {
        Path playbook = dir.resolve("site.yml");
        Files.writeString(playbook, """
                - name: nightly
                  hosts: all
                  serial: 1
                  tasks:
                    - name: mark
                      command: touch %s
                    - name: break on b
                      command: "false"
                      when: inventory_hostname == 'b'
                """.formatted(dir.resolve("{{ inventory_hostname }}.done")));
        Path inventory = dir.resolve("hosts.yml");
        Files.writeString(inventory, "all:\n  hosts:\n    a: {ansible_connection: local}\n    b: {ansible_connection: local}\n");
        Schedule s = new Schedule("nightly", playbook.toString(), List.of(inventory.toString()), Map.of(),
                CronTrigger.parse("0 2 * * *", ZoneOffset.UTC), null, MissedRunPolicy.SKIP, Duration.ofMinutes(5), null, Instant.EPOCH);
        Path runDir = dir.resolve("run");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RolloutLauncher.Result result = new PlaybookRollout("test", new PrintStream(console, true), 5)
                .launch(new RolloutLauncher.Request(s, "r1", runDir, BatchGate.OPEN));

        assertEquals("failed", result.outcome(), console.toString());
        assertEquals(2, result.exitCode());
        assertEquals(runDir.resolve(ReportFiles.REPORT), result.report());
        RunReport report = ReportFiles.read(result.report());
        assertEquals("r1", report.runId());
        assertEquals(1, report.recap().get("b").failed());

        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(runDir.resolve(JUnitXmlWriter.FILE).toFile());
        Element suites = junit.getDocumentElement();
        assertEquals("6", suites.getAttribute("tests"), "Gathering Facts, mark and break on b, on each host");
        assertEquals("1", suites.getAttribute("failures"));
        assertEquals("1", suites.getAttribute("skipped"));
        Element failure = (Element) junit.getElementsByTagName("failure").item(0);
        assertEquals("exec/NON_ZERO_RC", failure.getAttribute("type"));
        assertEquals("nightly/b", ((Element) failure.getParentNode()).getAttribute("classname"));

        String html = Files.readString(runDir.resolve(HtmlReportWriter.FILE));
        assertTrue(html.contains("break on b"), html);
        assertTrue(html.contains(">batches</text>"), "the batch lane, read from the run's events.jsonl");
    }
}
