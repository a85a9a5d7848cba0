package dev.jplay.engine.connection;

import java.time.Duration;

/**
 * How a session came up: whether the agent jar had to be uploaded (false when the host's cached copy was
 * used), time to a connected and authenticated transport, time from there to the agent's hello, and the Java
 * runtime pushed to a host without Java (null when none was).
 */
public record StartupReport(boolean agentUploaded, Duration connect, Duration agentStart, RuntimePush runtime) {
    public StartupReport(boolean agentUploaded, Duration connect, Duration agentStart) {
        this(agentUploaded, connect, agentStart, null);
    }

    public Duration total() {
        return connect.plus(agentStart);
    }

    /**
     * A runtime pushed to the host: its directory under {@code ~/.jplay/runtime}, archive and unpacked bytes, the
     * SFTP upload's time and the time from there to the agent's hello (verify, unpack, CDS dump, start), and how
     * long the controller took to build it in this run (null: it was cached).
     */
    public record RuntimePush(String dir, long bytes, long unpackedBytes, Duration upload, Duration installAndStart,
                              Duration built) {
        /** "15.6 MB (45.2 MB unpacked) uploaded in 0.41 s, installed and started in 1.90 s (built in 14.2 s)". */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%.1f MB (%.1f MB unpacked) uploaded in %.2f s, installed and started in %.2f s%s",
                    bytes / 1e6, unpackedBytes / 1e6, upload.toMillis() / 1e3, installAndStart.toMillis() / 1e3,
                    built == null ? "" : String.format(java.util.Locale.ROOT, " (built in %.1f s)", built.toMillis() / 1e3));
        }
    }
}
