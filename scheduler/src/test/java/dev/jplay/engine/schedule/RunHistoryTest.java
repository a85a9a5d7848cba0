package dev.jplay.engine.schedule;

import dev.jplay.testing.JavaProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunHistoryTest {
    @TempDir Path dir;

    static RunRecord record(String id, String outcome) {
        return new RunRecord(id, "web", null, Instant.now().toString(), null, outcome, null, null, "p.yml", List.of("h"),
                List.of(), null, null, ProcessIdentity.current(), List.of());
    }

    @Test
    void everyLineNamesWhoRanItAndOnWhichControllerHost() throws IOException {
        RunHistory h = new RunHistory(dir.resolve("history.jsonl"));
        RunRecorder r = RunRecorder.start(h, Clock.systemUTC(), System.err, "r1", RunRecord.MANUAL, null, "p.yml", List.of("h"), List.of());
        r.finish("ok", 0, null, null, null);
        List<String> raw = Files.readAllLines(dir.resolve("history.jsonl"));
        assertEquals(2, raw.size());
        for (String line : raw) {
            assertTrue(line.contains("\"user\":\"" + System.getProperty("user.name") + "\""), line);
            assertTrue(line.contains("\"controller_host\":\"" + ProcessIdentity.hostName() + "\""), line);
        }
        RunRecord last = h.read().lines().get(1);
        assertEquals(System.getProperty("user.name"), last.user());
        assertEquals(ProcessIdentity.hostName(), last.controllerHost());
    }

    @Test
    void lastLineOfARunIsItsState() throws IOException {
        RunHistory h = new RunHistory(dir.resolve("history.jsonl"));
        RunRecorder r = RunRecorder.start(h, Clock.systemUTC(), System.err, "r1", "web", Instant.parse("2026-01-01T00:00:00Z"),
                "p.yml", List.of("h"), List.of("version"));
        r.batchDone(new RunRecord.BatchDone("deploy", 1, List.of("a")));
        r.finish("failed", 2, null, new RunRecord.Counts(1, 1, 0, 1, 0, 0, 0, 0), "runs/r1/report.json");
        assertEquals(3, h.read().lines().size());
        List<RunRecord> runs = h.runs();
        assertEquals(1, runs.size());
        RunRecord run = runs.get(0);
        assertEquals("failed", run.outcome());
        assertEquals(1, run.completedBatches().size());
        assertEquals(1, run.counts().failed());
        assertTrue(run.hasOutcome("failed"));
        assertEquals("2026-01-01T00:00:00Z", run.scheduledFor());
    }

    @Test
    void tornLastLineIsSkippedAndTheNextAppendStartsOnAFreshLine() throws IOException {
        Path f = dir.resolve("history.jsonl");
        RunHistory h = new RunHistory(f);
        h.append(record("r1", "ok"));
        String full = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        // A writer killed in the middle of its line left half a record and no newline.
        Files.writeString(f, full.substring(0, full.length() / 2), StandardOpenOption.APPEND);
        RunHistory.Contents torn = h.read();
        assertTrue(torn.tornTail());
        assertEquals(List.of("r1"), torn.lines().stream().map(RunRecord::runId).toList());
        h.append(record("r2", "ok"));
        RunHistory.Contents after = h.read();
        assertEquals(List.of("r1", "r2"), after.lines().stream().map(RunRecord::runId).toList());
        assertEquals(1, after.unreadableLines(), "the torn line stays, as an unreadable middle line");
        assertFalse(after.tornTail());
    }

    @Test
    void concurrentAppendsNeverInterleave() throws Exception {
        RunHistory h = new RunHistory(dir.resolve("history.jsonl"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) h.append(record("t" + thread + "-" + i, "ok"));
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        RunHistory.Contents c = h.read();
        assertEquals(400, c.lines().size());
        assertEquals(0, c.unreadableLines());
    }

    @Test
    void survivesKillMinus9OfAWriterProcess() throws Exception {
        Path f = dir.resolve("history.jsonl");
        Process writer = JavaProcess.start(dir, HistoryWriterMain.class.getName(), f.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && (!Files.exists(f) || Files.size(f) < 30_000)) Thread.sleep(20);
            writer.destroyForcibly(); // SIGKILL, mid-stream
            assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
        } finally {
            writer.destroyForcibly();
        }
        RunHistory h = new RunHistory(f);
        RunHistory.Contents c = h.read();
        assertTrue(c.lines().size() >= 30, "records written before the kill: " + c.lines().size());
        assertEquals(0, c.unreadableLines());
        // Every record before the kill is whole and in order; the history still takes appends.
        for (int i = 0; i < c.lines().size(); i++) assertEquals("w" + i, c.lines().get(i).runId());
        h.append(record("after-kill", "ok"));
        List<RunRecord> again = h.read().lines();
        assertEquals("after-kill", again.get(again.size() - 1).runId());
        assertEquals(0, h.read().unreadableLines());
    }

    static RunRecord at(String id, Instant started) {
        return new RunRecord(id, "web", null, started.toString(), null, "ok", null, null, "p", List.of("h"), List.of(), null, null,
                null, List.of());
    }

    @Test
    void runsAreOrderedByStartInstantNotByText() throws IOException {
        RunHistory h = new RunHistory(dir.resolve("history.jsonl"));
        h.append(at("later", Instant.parse("2026-01-01T00:00:00.500Z")));
        h.append(at("earlier", Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals(List.of("earlier", "later"), h.runs().stream().map(RunRecord::runId).toList());
    }
}
