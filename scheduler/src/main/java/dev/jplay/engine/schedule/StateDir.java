package dev.jplay.engine.schedule;

import dev.jplay.engine.fleet.JplayDir;
import java.nio.file.Path;

/** Where jplay keeps run history, locks and run directories when no playbook says ({@link JplayDir}): {@code $JPLAY_STATE_DIR}, else {@code .jplay}. */
public final class StateDir {
    public static final String ENV = JplayDir.ENV;

    private StateDir() {}

    public static Path defaultDir() {
        return JplayDir.locate(null, System.getenv());
    }

    public static RunHistory history(Path stateDir) {
        return new RunHistory(stateDir.resolve(RunHistory.FILE_NAME));
    }
}
