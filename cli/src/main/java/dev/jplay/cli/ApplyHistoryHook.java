package dev.jplay.cli;

import dev.jplay.engine.run.RunOptions;
import dev.jplay.engine.schedule.RunRecord;
import dev.jplay.engine.schedule.RunRecorder;
import dev.jplay.engine.schedule.StateDir;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Records manual {@code jplay apply} runs in the run history ({@code history.jsonl} in the playbook's
 * {@link dev.jplay.engine.fleet.JplayDir}), as schedule {@value RunRecord#MANUAL}. Never fails the run: problems are warnings.
 */
final class ApplyHistoryHook {
    private final RunRecorder recorder;

    private ApplyHistoryHook(RunRecorder recorder) {
        this.recorder = recorder;
    }

    static ApplyHistoryHook started(String runId, Path playbook, RunOptions options, Path jplayDir) {
        return new ApplyHistoryHook(RunRecorder.start(StateDir.history(jplayDir), Clock.systemUTC(), System.err,
                runId, RunRecord.MANUAL, null, playbook.toString(), options.inventorySources(), options.extraVars().keySet()));
    }

    void finished(Path reportFile) {
        try {
            RunReport r = ReportFiles.read(reportFile);
            recorder.finish(r.outcome(), r.exitCode(), null, RunRecord.Counts.of(r.recap()), reportFile.toString());
        } catch (IOException e) {
            recorder.finish(RunRecord.ERROR, null, "cannot read " + reportFile + ": " + e.getMessage(), null, reportFile.toString());
        }
    }

    void failed(int exitCode, String reason) {
        recorder.finish(RunRecord.ERROR, exitCode, reason, null, null);
    }
}
