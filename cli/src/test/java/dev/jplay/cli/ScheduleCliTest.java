package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.schedule.RunHistory;
import dev.jplay.engine.schedule.RunRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleCliTest {
    @TempDir Path dir;

    record Run(int exit, String out, String err) {}

    private static synchronized Run jplay(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.execute(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void addListShowRemove() throws Exception {
        Path pb = Files.writeString(dir.resolve("deploy.yml"), "- hosts: all\n  tasks: []\n");
        String file = dir.resolve("s.yml").toString();
        Run add = jplay("schedule", "add", "web", "--file", file, "-p", pb.toString(), "-i", "web1,web2", "-e", "version=2 api_token=abcdef",
                "--cron", "0 2 * * sat", "--zone", "Europe/Berlin", "--window", "sat,sun 01:00-05:00", "--missed", "run_once");
        assertEquals(0, add.exit(), add.err());
        Run again = jplay("schedule", "add", "web", "--file", file, "-p", pb.toString(), "-i", "x,", "--cron", "0 2 * * *");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("already exists"), again.err());
        Run list = jplay("schedule", "list", "--file", file);
        assertTrue(list.out().contains("web") && list.out().contains("0 2 * * sat") && list.out().contains("Europe/Berlin"), list.out());
        Run show = jplay("schedule", "show", "web", "--file", file, "--next", "2");
        assertTrue(show.out().contains("api_token=<redacted>") && !show.out().contains("abcdef"), show.out());
        assertTrue(show.out().contains("+01:00") || show.out().contains("+02:00"), show.out());
        Run json = jplay("schedule", "list", "--json", "--file", file);
        assertFalse(json.out().contains("abcdef"), json.out());
        assertEquals(0, jplay("schedule", "remove", "web", "--file", file).exit());
        assertTrue(jplay("schedule", "list", "--file", file).out().contains("no schedules"));
        assertEquals(1, jplay("schedule", "remove", "web", "--file", file).exit());
    }

    @Test
    void badFileIsReportedWithItsLocation() throws Exception {
        Path f = Files.writeString(dir.resolve("s.yml"), "schedules:\n  - name: web\n    playbook: p.yml\n    inventory: [h,]\n    cron: \"0 2 * *\"\n    zone: UTC\n");
        Run r = jplay("schedule", "list", "--file", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(f + ":5:11: cron: cron '0 2 * *' must have 5 fields"), r.err());
    }

    @Test
    void historyFiltersByScheduleOutcomeAndTime() throws Exception {
        RunHistory h = new RunHistory(dir.resolve("state").resolve(RunHistory.FILE_NAME));
        Instant now = Instant.now();
        h.append(rec("old-ok", "web", now.minusSeconds(3 * 86400), "ok"));
        h.append(rec("new-failed", "web", now.minusSeconds(3600), "failed"));
        h.append(rec("new-unreach", "db", now.minusSeconds(1800), "unreachable"));
        h.append(rec("manual-ok", RunRecord.MANUAL, now.minusSeconds(60), "ok"));
        String state = dir.resolve("state").toString();
        assertEquals(List.of("new-failed", "new-unreach"), ids(jplay("history", "--state-dir", state, "--outcome", "failed", "--json")));
        assertEquals(List.of("new-failed"), ids(jplay("history", "--state-dir", state, "--schedule", "web", "--since", "1d", "--json")));
        assertEquals(List.of("manual-ok"), ids(jplay("history", "--state-dir", state, "--schedule", "manual", "--json")));
        Run table = jplay("history", "--state-dir", state);
        assertEquals(5, table.out().lines().count(), table.out());
        assertEquals(1, jplay("history", "--state-dir", state, "--since", "yesterday").exit());
    }

    private static List<String> ids(Run r) {
        return r.out().lines().map(l -> l.replaceAll(".*\"run_id\":\"([^\"]+)\".*", "$1")).toList();
    }

    private static RunRecord rec(String id, String schedule, Instant started, String outcome) {
        return new RunRecord(id, schedule, null, started.toString(), started.plusSeconds(30).toString(), outcome, 0, null, "p.yml",
                List.of("h,"), List.of(), new RunRecord.Counts(1, 1, 0, 0, 0, 0, 0, 0), null, null, List.of());
    }
}
