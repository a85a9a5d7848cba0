package dev.jplay.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jplay.io.AtomicFiles;
import dev.jplay.io.AtomicFiles.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes run reports. Writes are atomic: a reader sees the old file or the whole new one. */
public final class ReportFiles {
    public static final String REPORT = "report.json";
    public static final String EVENTS = "events.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() {}

    public static ObjectMapper json() {
        return JSON;
    }

    public static Path write(Path runDir, RunReport report) throws IOException {
        Files.createDirectories(runDir);
        Path target = runDir.resolve(REPORT);
        writeAtomically(target, JSON.writeValueAsBytes(report));
        return target;
    }

    public static RunReport read(Path reportFile) throws IOException {
        return JSON.readValue(reportFile.toFile(), RunReport.class);
    }

    /** Temp file in the same directory (created if missing), fsync, rename over the target; private to its owner. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        AtomicFiles.write(target, bytes, Option.CREATE_DIRECTORIES, Option.SYNC_FILE, Option.OWNER_ONLY);
    }
}
