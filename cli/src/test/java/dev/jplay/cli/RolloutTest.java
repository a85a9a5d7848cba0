package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.RunJournal;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollout control on three hosts that run the real agent locally: serial batches, the failure budget,
 * the journal with --resume, --retry-failed, and an interrupted run that still writes its report.
 */
class RolloutTest {
    @TempDir
    Path dir;
    Path inventory;
    Path marks;

    @BeforeEach
    void setUp() throws Exception {
        inventory = dir.resolve("inv.yml");
        Files.writeString(inventory, "all:\n  vars: {jplay_connection: local}\n  hosts: {a: , b: , c: }\n");
        marks = Files.createDirectories(dir.resolve("marks"));
    }

    /** A serial-1 rollout in which host b fails while {@code dir/broken} exists; every host that ran leaves a mark. */
    private Path playbook() throws Exception {
        Path pb = dir.resolve("rollout.yml");
        Files.writeString(pb, """
                - hosts: all
                  serial: 1
                  tasks:
                    - name: deploy
                      shell: "test {{ inventory_hostname }} != b || test ! -e %s"
                    - name: mark
                      copy: {content: "done\\n", dest: "%s/{{ inventory_hostname }}"}
                """.formatted(dir.resolve("broken"), marks));
        return pb;
    }

    private RunReport apply(Path runDir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("apply", playbook().toString(), "-i", inventory.toString(),
                "--report-dir", runDir.toString(), "--state-dir", dir.resolve("state").toString()));
        args.addAll(List.of(extra));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, r.exitCode());
        return r;
    }

    private List<String> marked() throws Exception {
        try (var s = Files.list(marks)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> batchStatuses(Path runDir) throws Exception {
        JsonNode j = new ObjectMapper().readTree(runDir.resolve(RunJournal.FILE).toFile());
        List<String> out = new ArrayList<>();
        j.path("plays").get(0).path("batches").forEach(b -> out.add(b.path("hosts").get(0).asText() + "=" + b.path("status").asText()));
        return out;
    }

    @Test
    void oneBadHostIsQuarantinedAndTheRolloutGoesOn() throws Exception {
        Files.createFile(dir.resolve("broken"));
        RunReport r = apply(dir.resolve("run1"));
        assertEquals(ExitCodes.HOST_FAILED, r.exitCode());
        assertEquals(List.of("a", "c"), marked(), "b quarantined, c still rolled");
        assertEquals(1, r.failures().size());
        assertEquals("b", r.failures().get(0).host());
        assertEquals("deploy", r.failures().get(0).task());
        assertEquals(List.of("a=done", "b=failed", "c=done"), batchStatuses(dir.resolve("run1")));
    }

    @Test
    void aSpentBudgetStopsTheRolloutAndResumeContinuesIt() throws Exception {
        Files.createFile(dir.resolve("broken"));
        RunReport first = apply(dir.resolve("run1"), "--max-failures", "0");
        assertEquals(ExitCodes.HOST_FAILED, first.exitCode());
        assertEquals(List.of("a"), marked(), "the rollout stopped after b's batch: c untouched");
        assertEquals(List.of("a=done", "b=failed", "c=pending"), batchStatuses(dir.resolve("run1")));

        Files.delete(dir.resolve("broken")); // the cause is fixed
        Files.delete(marks.resolve("a"));
        RunReport resumed = apply(dir.resolve("run2"), "--resume", dir.resolve("run1").toString());
        assertEquals(0, resumed.exitCode());
        assertEquals(List.of("b", "c"), marked(), "a's completed batch was skipped");
        assertEquals(0, resumed.recap().get("a").ok());
        assertEquals(List.of("a=done", "b=done", "c=done"), batchStatuses(dir.resolve("run2")));
    }

    @Test
    void retryFailedRunsOnlyTheFailedHosts() throws Exception {
        Files.createFile(dir.resolve("broken"));
        apply(dir.resolve("run1"));
        Files.delete(dir.resolve("broken"));
        for (String h : marked()) Files.delete(marks.resolve(h));
        RunReport retry = apply(dir.resolve("run2"), "--retry-failed", dir.resolve("run1").toString());
        assertEquals(0, retry.exitCode());
        assertEquals(List.of("b"), marked());
        assertEquals(List.of("b"), List.copyOf(retry.recap().keySet()));
    }

    @Test
    void anInterruptedRunStillWritesItsReportAndJournal() throws Exception {
        Path pb = dir.resolve("slow.yml");
        Files.writeString(pb, "- hosts: all\n  serial: 1\n  tasks:\n    - command: sleep 1\n");
        Path runDir = dir.resolve("run-int");
        Process p = JavaProcess.start(dir, "dev.jplay.cli.Main", "apply", pb.toString(), "-i", inventory.toString(),
                "--report-dir", runDir.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // wait until the first batch has finished, then stop the controller like Ctrl-C or systemd would
        while (System.nanoTime() < deadline && !(Files.exists(runDir.resolve(RunJournal.FILE))
                && Files.readString(runDir.resolve(RunJournal.FILE)).contains("\"done\""))) {
            Thread.sleep(50);
        }
        p.toHandle().destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals("interrupted", r.outcome());
        assertEquals(ExitCodes.INTERRUPTED, r.exitCode());
        assertEquals(2, r.recap().get("a").ok(), "its facts and its command");
        List<String> statuses = batchStatuses(runDir);
        assertEquals("a=done", statuses.get(0));
        assertTrue(statuses.get(2).equals("c=pending"), statuses.toString());
    }
}
