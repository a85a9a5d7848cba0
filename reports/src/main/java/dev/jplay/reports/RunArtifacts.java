package dev.jplay.reports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The files written next to {@code report.json} at the end of a run: {@code junit.xml} and {@code report.html}. */
public final class RunArtifacts {
    private RunArtifacts() {}

    /** Writes both files from the report and the run's {@code events.jsonl} (for batches); returns their paths. */
    public static List<Path> write(Path runDir, RunReport report) throws IOException {
        List<BatchStart> batches = BatchStart.read(runDir.resolve(ReportFiles.EVENTS));
        return List.of(JUnitXmlWriter.write(runDir, report), HtmlReportWriter.write(runDir, report, batches));
    }
}
