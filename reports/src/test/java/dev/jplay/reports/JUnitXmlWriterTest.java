package dev.jplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class JUnitXmlWriterTest {
    @TempDir
    Path dir;

    private final RunReport report = Fixtures.report(List.of(
            Fixtures.ok("web-1", "install", "2026-01-01T00:00:00.100Z", 1250),
            Fixtures.failed("web-1", "migrate", Map.of("user", "admin"), "ERROR \u0000\u001B[31mboom\u001B[0m & <tag> \"q\"",
                    Map.of("db_password", "hunter2", "url", "postgres://db"), false, "2026-01-01T00:00:01.400Z"),
            Fixtures.failed("web-2", "migrate", null, "warn only", Map.of(), true, "2026-01-01T00:00:01.400Z"),
            Fixtures.skipped("web-2", "optional", "2026-01-01T00:00:01.500Z"),
            Fixtures.unreachable("db-1", "10.0.0.7", 2222, "2026-01-01T00:00:00.050Z")));

    @Test
    void hostTaskResultsBecomeTestCasesWithCountsCiReads() throws Exception {
        Path file = JUnitXmlWriter.write(dir, report);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());

        Element suites = doc.getDocumentElement();
        assertEquals("testsuites", suites.getTagName());
        assertEquals("5", suites.getAttribute("tests"));
        assertEquals("1", suites.getAttribute("failures"));
        assertEquals("1", suites.getAttribute("errors"));
        assertEquals("1", suites.getAttribute("skipped"));
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("deploy", suite.getAttribute("name"));
        assertEquals("2026-01-01T00:00:00", suite.getAttribute("timestamp"));

        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(5, cases.getLength());
        Element first = (Element) cases.item(0);
        assertEquals("deploy/web-1", first.getAttribute("classname"));
        assertEquals("install", first.getAttribute("name"));
        assertEquals("1.250", first.getAttribute("time"));
        assertEquals("migrate [{\"user\":\"admin\"}]", ((Element) cases.item(1)).getAttribute("name"));

        NodeList failures = doc.getElementsByTagName("failure");
        assertEquals(1, failures.getLength());
        Element failure = (Element) failures.item(0);
        assertEquals("exec/NON_ZERO_RC", failure.getAttribute("type"));
        assertEquals("non-zero return code", failure.getAttribute("message"));
        String body = failure.getTextContent();
        assertTrue(body.contains("location: site.yml:12:7"), body);
        assertTrue(body.contains("rc: 2"), body);
        assertTrue(body.contains("ERROR \uFFFDboom & <tag> \"q\""), "stderr tail, control chars and ANSI codes removed: " + body);
        assertTrue(body.contains("db_password: " + Redaction.MASK), body);
        assertTrue(body.contains("next: run the command on web-1"), body);

        Element ignored = (Element) cases.item(2);
        assertEquals(0, ignored.getElementsByTagName("failure").getLength(), "ignored failures pass");
        assertTrue(ignored.getElementsByTagName("system-out").item(0).getTextContent().contains("ignored failure"));
        assertEquals(1, ((Element) cases.item(3)).getElementsByTagName("skipped").getLength());

        Element error = (Element) doc.getElementsByTagName("error").item(0);
        assertEquals("connect/CONNECT_REFUSED", error.getAttribute("type"));
        assertTrue(error.getTextContent().contains("ssh -p 2222 USER@10.0.0.7"), error.getTextContent());

        String raw = Files.readString(file, StandardCharsets.UTF_8);
        assertFalse(raw.contains("hunter2"), "secret detail values never reach the file");
        assertFalse(raw.contains("\u0000") || raw.contains("\u001B"), "characters XML 1.0 forbids are stripped");
    }

    @Test
    void emptyRunIsAValidEmptySuiteSet() throws Exception {
        Path file = JUnitXmlWriter.write(dir, Fixtures.report(List.of()));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertEquals("0", doc.getDocumentElement().getAttribute("tests"));
        assertEquals(0, doc.getElementsByTagName("testsuite").getLength());
    }
}
