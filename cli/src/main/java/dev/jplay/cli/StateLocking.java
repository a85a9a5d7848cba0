package dev.jplay.cli;

import dev.jplay.engine.schedule.Durations;
import dev.jplay.engine.schedule.FleetStateLock;
import dev.jplay.engine.schedule.ProcessLock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The fleet-state lock as the verbs that write the state take it ({@code --lock-timeout}). */
final class StateLocking {
    private StateLocking() {}

    /** {@code --lock-timeout}: a duration like 30s or 10m; a bare 0 is accepted for "do not wait" as terraform's is. */
    static Duration parseTimeout(String value) {
        if (value.strip().equals("0")) return Duration.ZERO;
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lock-timeout: " + e.getMessage());
        }
    }

    /** Takes the lock of {@code stateDir} for {@code owner}'s run, telling {@code err} once whom it waits for. */
    static ProcessLock lock(Path stateDir, String owner, String runId, Duration timeout, PrintStream err)
            throws IOException, FleetStateLock.LockedException {
        return FleetStateLock.acquire(stateDir, FleetStateLock.holder(owner, runId, Clock.systemUTC()), timeout,
                () -> false, message -> err.println("jplay: " + message));
    }
}
