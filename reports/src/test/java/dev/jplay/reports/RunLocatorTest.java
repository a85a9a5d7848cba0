package dev.jplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLocatorTest {
    @TempDir
    Path runs;

    @Test
    void newestRunWithAReportWins() throws Exception {
        Path older = run("20260101T100000Z-aaaaaa");
        Path newer = run("20260102T090000Z-bbbbbb");
        Files.createDirectories(runs.resolve("20260103T000000Z-cccccc")); // still running: no report yet
        Files.setLastModifiedTime(older.resolve(ReportFiles.REPORT), java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60))); // touched later: still older by id

        assertEquals(newer.resolve(ReportFiles.REPORT), RunLocator.locate(null, runs));
    }

    @Test
    void runIsAnIdADirectoryOrAReportFile() throws Exception {
        Path dir = run("20260101T100000Z-aaaaaa");
        Path report = dir.resolve(ReportFiles.REPORT);
        assertEquals(report, RunLocator.locate("20260101T100000Z-aaaaaa", runs));
        assertEquals(report, RunLocator.locate(dir.toString(), runs));
        assertEquals(report, RunLocator.locate(report.toString(), runs));
    }

    @Test
    void missingRunsSayWhatWasLookedFor() throws Exception {
        var noId = assertThrows(RunLocator.RunNotFoundException.class, () -> RunLocator.locate("nope", runs));
        assertTrue(noId.getMessage().contains("no run 'nope'") && noId.getMessage().contains(runs.toString()), noId.getMessage());
        var none = assertThrows(RunLocator.RunNotFoundException.class, () -> RunLocator.locate(null, runs));
        assertTrue(none.getMessage().contains("no run with a report.json under"), none.getMessage());
        var noDir = assertThrows(RunLocator.RunNotFoundException.class, () -> RunLocator.locate(null, runs.resolve("absent")));
        assertTrue(noDir.getMessage().contains("does not exist"), noDir.getMessage());
        Path unfinished = Files.createDirectories(runs.resolve("unfinished"));
        var noReport = assertThrows(RunLocator.RunNotFoundException.class, () -> RunLocator.locate(unfinished.toString(), runs));
        assertTrue(noReport.getMessage().contains("has no report.json"), noReport.getMessage());
    }

    private Path run(String id) throws Exception {
        Path dir = runs.resolve(id);
        ReportFiles.write(dir, Fixtures.report(List.of()));
        return dir;
    }
}
