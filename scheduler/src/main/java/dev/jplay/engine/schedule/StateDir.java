package dev.jplay.engine.schedule;

import java.nio.file.Path;

/** Where jplay keeps run history, locks and run directories: {@code $JPLAY_STATE_DIR}, else {@code .jplay}. */
public final class StateDir {
    public static final String ENV = "JPLAY_STATE_DIR";

    private StateDir() {}

    public static Path defaultDir() {
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? Path.of(".jplay") : Path.of(env);
    }

    public static RunHistory history(Path stateDir) {
        return new RunHistory(stateDir.resolve(RunHistory.FILE_NAME));
    }
}
