package dev.jplay.runtime.launch;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A container as observed now. Nullable fields are unknown or not applicable: {@code pid} only while running,
 * {@code exitCode}/{@code finishedAt} after a run ended (the last run's, also while restarting).
 *
 * @param restartCount restarts done by the supervisor since the last start request
 */
public record ContainerStatus(
        String name,
        ContainerState state,
        Integer pid,
        Integer exitCode,
        Instant startedAt,
        Instant finishedAt,
        int restartCount,
        String imageDigest,
        Path bundle,
        Path stdoutLog,
        Path stderrLog,
        String runtime,
        String runtimeVersion) {

    public boolean isRunning() { return state == ContainerState.RUNNING; }
}
