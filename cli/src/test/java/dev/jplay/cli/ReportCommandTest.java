package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    Path runs;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void failuresAreGroupedByStepAndCauseThenTheRecap() throws Exception {
        writeRun("20260101T000000Z-000001", List.of(ok("web-1")));
        writeRun("20260102T000000Z-000002", List.of(
                ok("web-1"),
                unreachable("db-1", "10.0.0.7"), unreachable("db-2", "10.0.0.8"), unreachable("db-3", "10.0.0.9"),
                failed("web-1", "migrate", "ERROR: relation \"users\" does not exist\n", Map.of("db_password", "hunter2"))));

        int exit = Main.execute("report", "--runs-dir", runs.toString());

        String text = out();
        assertEquals(2, exit, text);
        assertTrue(text.startsWith("run 20260102T000000Z-000002"), "the newest run is the default: " + text);
        assertTrue(text.contains("FAILURES: 4 in 2 groups"), text);
        int connect = text.indexOf("[1] connect/CONNECT_REFUSED ×3 on 3 hosts: cannot connect to <addr>:<port>: Connection refused");
        int exec = text.indexOf("[2] exec/NON_ZERO_RC ×1 on 1 host: non-zero return code");
        assertTrue(connect >= 0 && exec > connect, text);
        assertTrue(text.contains("    hosts: db-1, db-2, db-3"), text);
        assertTrue(text.contains("    first: site.yml:3:7 (install on db-1)"), text);
        assertTrue(text.contains("    stderr| ERROR: relation \"users\" does not exist"), text);
        assertTrue(text.contains("    next: nothing listens on port 22"), text);
        assertTrue(text.indexOf("PLAY RECAP") > exec, text);
        assertTrue(text.contains("db-2  : ok=0    changed=0    unreachable=1"), text);
        assertFalse(text.contains("hunter2"), text);
    }

    @Test
    void jsonHasTheSameGroups() throws Exception {
        writeRun("20260102T000000Z-000002", List.of(unreachable("db-1", "10.0.0.7"), unreachable("db-2", "10.0.0.8"),
                failed("web-1", "migrate", "boom", Map.of("api_token", "t0k"))));

        int exit = Main.execute("report", "--runs-dir", runs.toString(), "--json", "20260102T000000Z-000002");

        assertEquals(2, exit);
        JsonNode doc = ReportFiles.json().readTree(out());
        assertEquals("failed", doc.get("outcome").asText());
        assertEquals(3, doc.get("failure_count").asInt());
        JsonNode groups = doc.get("groups");
        assertEquals(2, groups.size());
        assertEquals("connect", groups.get(0).get("step").asText());
        assertEquals(2, groups.get(0).get("count").asInt());
        assertEquals("[\"db-1\",\"db-2\"]", groups.get(0).get("hosts").toString());
        assertEquals("site.yml:9:7", groups.get(1).get("first_location").asText());
        assertEquals("********", groups.get(1).get("first_failure").get("detail").get("api_token").asText());
        assertEquals(1, doc.get("recap").get("web-1").get("failed").asInt());
    }

    @Test
    void anOkRunExitsZeroAndARunDirectoryCanBeGiven() throws Exception {
        Path dir = writeRun("20260101T000000Z-000001", List.of(ok("web-1")));

        int exit = Main.execute("report", dir.toString());

        assertEquals(0, exit, err());
        assertTrue(out().contains("FAILURES: none"), out());
    }

    @Test
    void aMissingRunExitsOneWithAClearMessage() {
        assertEquals(1, Main.execute("report", "--runs-dir", runs.toString(), "20990101T000000Z-ffffff"));
        assertTrue(err().contains("no run '20990101T000000Z-ffffff'"), err());
        assertEquals(1, Main.execute("report", "--runs-dir", runs.resolve("none").toString()));
        assertTrue(err().contains("no runs yet"), err());
        assertEquals("", out());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path writeRun(String id, List<TaskOutcome> results) throws Exception {
        Map<String, HostRecap> recap = new LinkedHashMap<>();
        List<FailureInfo> failures = new ArrayList<>();
        for (TaskOutcome o : results) {
            recap.merge(o.host(), HostRecap.ZERO.add(o), (a, b) -> a.add(o));
            if (o.error() != null) failures.add(o.error());
        }
        int exit = failures.isEmpty() ? 0 : 2;
        RunReport r = new RunReport(RunReport.SCHEMA_VERSION, id, "0.1.0", "site.yml", List.of("hosts.ini"), false,
                "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z", 2000, exit, exit == 0 ? "ok" : "failed", recap, failures, results);
        Path dir = runs.resolve(id);
        ReportFiles.write(dir, r);
        return dir;
    }

    private static TaskOutcome ok(String host) {
        return new TaskOutcome(host, "deploy", "install", "command", "site.yml:3:7", TaskOutcome.OK, false, false, null, 0,
                "", "", null, null, "2026-01-01T00:00:00.500Z", 100, null);
    }

    private static TaskOutcome unreachable(String host, String address) {
        String cause = host + " (" + address + "): connect failed [CONNECT_REFUSED]: cannot connect to " + address + ":22: Connection refused";
        FailureInfo f = new FailureInfo(host, "install", "site.yml:3:7", "connect", "CONNECT_REFUSED", cause, null);
        return new TaskOutcome(host, "deploy", "install", "command", "site.yml:3:7", TaskOutcome.UNREACHABLE, false, false, null,
                null, null, null, cause, null, "2026-01-01T00:00:00.100Z", 0, f);
    }

    private static TaskOutcome failed(String host, String task, String stderr, Map<String, Object> extra) {
        Map<String, Object> detail = new LinkedHashMap<>(extra);
        detail.put("rc", 1);
        detail.put("stderr_tail", stderr);
        FailureInfo f = new FailureInfo(host, task, "site.yml:9:7", "exec", "NON_ZERO_RC", "non-zero return code", detail);
        return new TaskOutcome(host, "deploy", task, "shell", "site.yml:9:7", TaskOutcome.FAILED, false, false, null, 1,
                "", stderr, "non-zero return code", null, "2026-01-01T00:00:01Z", 30, f);
    }
}
