package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.HtmlReportWriter;
import dev.jplay.reports.JUnitXmlWriter;
import dev.jplay.reports.ReportFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret in the arguments of unnamed {@code no_log} tasks (ok, failed, looped, in a no_log block) reaches no
 * output: not the terminal (even verbose), not {@code --json}, not report.json, events.jsonl, report.html,
 * junit.xml or journal.json. Real runs on localhost through the agent.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class NoLogSecretsIT {
    private static final String SECRET = "s3cret-7f2a";

    @TempDir
    Path dir;

    @Test
    void aSecretInNoLogArgumentsIsInNoOutput() throws IOException {
        Path playbook = Files.writeString(dir.resolve("site.yml"), """
                - hosts: localhost
                  tasks:
                    - command: echo SECRET
                      no_log: true
                    - shell: "echo SECRET; echo SECRET >&2; exit 3"
                      no_log: true
                      ignore_errors: true
                    - command: echo {{ item }}
                      loop: [SECRET]
                      no_log: true
                    - block:
                        - shell: echo SECRET
                      no_log: yes
                    - command: echo visible-marker
                    - shell: "echo SECRET >&2; exit 4"
                      no_log: true
                """.replace("SECRET", SECRET));
        for (List<String> mode : List.of(List.of("-vv"), List.of("--json"))) {
            Path runDir = dir.resolve("run" + mode.get(0));
            String[] args = Stream.concat(Stream.of("apply", playbook.toString(), "--report-dir", runDir.toString()), mode.stream())
                    .toArray(String[]::new);
            CliRun run = CliRun.of(args);
            assertEquals(ExitCodes.HOST_FAILED, run.exit(), run.out() + run.err());
            // The run did show what it may: the unnamed task without no_log keeps its informative title.
            assertTrue(run.out().contains("command: echo visible-marker"), run.out());
            assertFalse(run.out().contains(SECRET), "terminal " + mode + ":\n" + run.out());
            assertFalse(run.err().contains(SECRET), "stderr " + mode + ":\n" + run.err());
            List<String> files = List.of(ReportFiles.REPORT, "events.jsonl", HtmlReportWriter.FILE, JUnitXmlWriter.FILE, "journal.json");
            for (String name : files) {
                Path file = runDir.resolve(name);
                assertTrue(Files.isRegularFile(file), file + " written");
                String text = Files.readString(file, StandardCharsets.UTF_8);
                assertFalse(text.contains(SECRET), name + " holds the secret:\n" + text);
            }
            // The failed no_log task is still reported as a located failure, titled by its module.
            String report = Files.readString(runDir.resolve(ReportFiles.REPORT));
            assertTrue(report.contains("\"task\":\"shell\"") || report.contains("\"task\" : \"shell\""), report);
            assertTrue(report.contains("site.yml:15:7"), report);
        }
    }
}
