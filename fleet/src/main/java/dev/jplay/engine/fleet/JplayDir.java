package dev.jplay.engine.fleet;

import java.nio.file.Path;
import java.util.Map;

/**
 * The one place a project's jplay files are kept (run history, run directories, fleet state, locks):
 * {@code $JPLAY_STATE_DIR}, else {@code .jplay} beside the playbook, so a run finds the same files from any
 * working directory. Commands that have no playbook (no {@code --playbook} given) use {@code .jplay} in the
 * working directory.
 */
public final class JplayDir {
    /** The environment variable that overrides the directory for every project. */
    public static final String ENV = "JPLAY_STATE_DIR";
    public static final String NAME = ".jplay";

    private JplayDir() {}

    /** {@code $JPLAY_STATE_DIR}, else {@code .jplay} beside {@code playbook}, else (no playbook) in the working directory. */
    public static Path locate(Path playbook, Map<String, String> env) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return Path.of(fromEnv);
        if (playbook == null) return Path.of(NAME);
        return playbook.toAbsolutePath().normalize().getParent().resolve(NAME);
    }

    /** Where the run directories ({@code RUN_ID/report.json, events.jsonl, ...}) are kept. */
    public static Path runsDir(Path jplayDir) {
        return jplayDir.resolve("runs");
    }
}
