package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.schedule.RunHistory;
import dev.jplay.engine.schedule.RunRecord;
import dev.jplay.testing.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jplay apply} run from a working directory that is not the playbook's keeps its run directory and run
 * history beside the playbook (local connection), and {@code history}/{@code report --playbook} find them there.
 */
class ApplyRunFilesProcessTest {
    @TempDir Path dir;

    private String jplay(Path cwd, Path log, String... args) throws Exception {
        ProcessBuilder b = JavaProcess.builder(cwd, "dev.jplay.cli.Main", args).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().remove("JPLAY_STATE_DIR");
        Process p = b.start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "jplay " + String.join(" ", args) + " ends within 90 s");
        } finally {
            JavaProcess.killTree(p.toHandle());
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void runsAndHistoryGoBesideThePlaybookAndNoneInTheWorkingDirectory() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Path playbook = Files.writeString(project.resolve("site.yml"), """
                - hosts: web
                  tasks:
                    - name: noop
                      command: "true"
                """);
        Path inv = Files.writeString(project.resolve("hosts.ini"), "[web]\nweb1 ansible_connection=local\n");
        Path cwd = Files.createDirectories(dir.resolve("elsewhere"));

        jplay(cwd, dir.resolve("apply.log"), "apply", playbook.toString(), "-i", inv.toString());

        List<RunRecord> runs = new RunHistory(project.resolve(".jplay/history.jsonl")).runs();
        assertEquals(1, runs.size(), runs.toString());
        RunRecord run = runs.get(0);
        assertEquals(RunRecord.MANUAL, run.scheduleName());
        Path runDir = project.resolve(".jplay/runs").resolve(run.runId());
        assertTrue(Files.isRegularFile(runDir.resolve("report.json")), "report beside the playbook: " + runDir);
        assertTrue(Files.notExists(cwd.resolve(".jplay")), "nothing written under the working directory");

        String history = jplay(cwd, dir.resolve("history.log"), "history", "--playbook", playbook.toString(), "--json");
        assertTrue(history.contains("\"" + run.runId() + "\""), history);
        jplay(cwd, dir.resolve("report.log"), "report", "--playbook", playbook.toString(), run.runId());
        assertTrue(Files.notExists(cwd.resolve(".jplay")), "reading them writes nothing in the working directory either");
    }
}
