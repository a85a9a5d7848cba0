package dev.jplay.engine.schedule;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Appends numbered records until killed: the victim of the kill -9 test. */
public final class HistoryWriterMain {
    public static void main(String[] args) throws Exception {
        RunHistory h = new RunHistory(Path.of(args[0]));
        for (int i = 0; ; i++) {
            h.append(new RunRecord("w" + i, "web", null, Instant.now().toString(), null, "running", null, "x".repeat(200), "p.yml",
                    List.of("h"), List.of(), null, null, ProcessIdentity.current(), List.of()));
        }
    }
}
