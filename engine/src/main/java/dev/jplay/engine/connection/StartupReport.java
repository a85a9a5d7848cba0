package dev.jplay.engine.connection;

import java.time.Duration;

/**
 * How a session came up: whether the agent jar had to be uploaded (false when the host's cached copy was
 * used), time to a connected and authenticated transport, and time from there to the agent's hello.
 */
public record StartupReport(boolean agentUploaded, Duration connect, Duration agentStart) {
    public Duration total() {
        return connect.plus(agentStart);
    }
}
