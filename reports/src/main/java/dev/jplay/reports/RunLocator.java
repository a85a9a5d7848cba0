package dev.jplay.reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a run's {@code report.json} from what a person types: nothing (the newest run), a run id, a run
 * directory, or the report file itself.
 */
public final class RunLocator {
    public static final Path DEFAULT_RUNS_DIR = Path.of(".jplay", "runs");

    private RunLocator() {}

    /** Thrown when no report matches; the message says what was looked for and where. */
    public static final class RunNotFoundException extends IOException {
        public RunNotFoundException(String message) {
            super(message);
        }
    }

    public static Path locate(String run, Path runsDir) throws IOException {
        if (run == null || run.isBlank()) return newest(runsDir);
        Path given = Path.of(run);
        if (Files.isRegularFile(given)) return given;
        if (Files.isDirectory(given) && Files.isRegularFile(given.resolve(ReportFiles.REPORT))) return given.resolve(ReportFiles.REPORT);
        Path byId = runsDir.resolve(run).resolve(ReportFiles.REPORT);
        if (!given.isAbsolute() && given.getNameCount() == 1 && Files.isRegularFile(byId)) return byId;
        if (Files.isDirectory(given)) throw new RunNotFoundException("run directory " + given + " has no " + ReportFiles.REPORT
                + " (the run may still be going, or it stopped before writing its report)");
        throw new RunNotFoundException("no run '" + run + "': not a report file, not a run directory, and not a run id under " + runsDir);
    }

    /**
     * The newest run that has a report. Run ids start with their UTC start time, so the greatest name is the
     * newest; runs without a report (still going, or killed) are passed over.
     */
    public static Path newest(Path runsDir) throws IOException {
        if (!Files.isDirectory(runsDir)) throw new RunNotFoundException("no runs yet: " + runsDir + " does not exist (run jplay apply first, or pass --runs-dir)");
        Optional<Path> newest;
        try (Stream<Path> dirs = Files.list(runsDir)) {
            newest = dirs.filter(d -> Files.isRegularFile(d.resolve(ReportFiles.REPORT)))
                    .max(Comparator.comparing(d -> d.getFileName().toString()))
                    .map(d -> d.resolve(ReportFiles.REPORT));
        }
        return newest.orElseThrow(() -> new RunNotFoundException("no run with a " + ReportFiles.REPORT + " under " + runsDir));
    }
}
