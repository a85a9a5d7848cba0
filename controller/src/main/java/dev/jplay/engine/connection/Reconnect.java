package dev.jplay.engine.connection;

import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a host whose session was lost is reconnected: one attempt after each delay in {@code backoff} (each
 * attempt bounded by the connect and agent-start timeouts), stopping at the first failure that retrying cannot
 * fix (a changed host key, refused credentials, no Java).
 */
public record Reconnect(List<Duration> backoff) {
    /** Three attempts, after 0.5, 1 and 2 seconds. */
    public static final Reconnect DEFAULT = new Reconnect(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2)));

    /** Codes of failures that the same attempt would hit again. */
    private static final Set<String> PERMANENT = Set.of("JAVA_MISSING", "JAVA_TOO_OLD", "UPLOAD_CORRUPTED", "NO_IDENTITY",
            "RUNTIME_MISMATCH", "RUNTIME_BUILD_FAILED", "RUNTIME_INSTALL_FAILED");

    public Reconnect {
        backoff = List.copyOf(backoff);
        if (backoff.isEmpty()) throw new IllegalArgumentException("a reconnect needs at least one attempt");
        backoff.forEach(d -> Objects.requireNonNull(d, "backoff"));
    }

    /** What one attempt does. */
    interface Attempt {
        AgentSession open() throws ConnectionException;
    }

    AgentSession open(Attempt attempt) throws ConnectionException, InterruptedException {
        ConnectionException last = null;
        for (Duration delay : backoff) {
            Thread.sleep(delay.toMillis());
            try {
                return attempt.open();
            } catch (ConnectionException e) {
                last = e;
                if (!retryable(e)) break;
            }
        }
        throw last;
    }

    /** Worth another attempt: the network, the sshd or the agent may come back; keys and credentials do not. */
    static boolean retryable(ConnectionException e) {
        return (e.step() == Step.CONNECT || e.step() == Step.AGENT || e.step() == Step.UPLOAD) && !PERMANENT.contains(e.code());
    }
}
