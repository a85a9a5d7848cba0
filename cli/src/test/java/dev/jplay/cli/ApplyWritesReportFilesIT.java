package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** A real run on localhost through the agent leaves junit.xml and report.html next to report.json. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ApplyWritesReportFilesIT {
    @TempDir
    Path dir;

    @Test
    void applyWritesJUnitXmlAndHtml() throws Exception {
        Path playbook = Files.writeString(dir.resolve("site.yml"), """
                - name: demo
                  hosts: all
                  tasks:
                    - name: hello
                      command: echo hello
                    - name: skipped
                      command: echo no
                      when: false
                    - name: break
                      shell: "echo '<script>alert(1)</script>' >&2; exit 3"
                """);
        Path runDir = dir.resolve("run");
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
            exit = Main.execute("apply", playbook.toString(), "--report-dir", runDir.toString());
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        assertEquals(ExitCodes.HOST_FAILED, exit, console.toString(StandardCharsets.UTF_8));

        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(runDir.resolve("junit.xml").toFile());
        Element suites = junit.getDocumentElement();
        assertEquals("4", suites.getAttribute("tests"), "Gathering Facts and the three tasks");
        assertEquals("1", suites.getAttribute("failures"));
        assertEquals("1", suites.getAttribute("skipped"));
        Element failure = (Element) junit.getElementsByTagName("failure").item(0);
        assertEquals("exec/NON_ZERO_RC", failure.getAttribute("type"));
        assertTrue(failure.getTextContent().contains("site.yml:9:7"), failure.getTextContent());
        assertEquals("demo/localhost", ((Element) failure.getParentNode()).getAttribute("classname"));

        String html = Files.readString(runDir.resolve("report.html"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertFalse(html.contains("<script>"));
    }
}
