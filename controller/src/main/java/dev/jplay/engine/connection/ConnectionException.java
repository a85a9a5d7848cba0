package dev.jplay.engine.connection;

import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.util.Map;

/**
 * Reaching a host or talking to its agent failed. {@link #step()} says which phase (connect, auth, hostkey, upload,
 * agent or become), {@link #code()} is a stable machine-readable reason (e.g. {@code CONNECT_REFUSED}, {@code HOST_KEY_MISMATCH}, {@code JAVA_MISSING},
 * {@code RUNTIME_MISMATCH}, {@code PROTOCOL}, {@code AGENT_EXITED}); the message names the host.
 */
public final class ConnectionException extends Exception {

    private final String host;
    private final Step step;
    private final String code;
    private final Map<String, Object> detail;
    private final String reason;

    public ConnectionException(String host, Step step, String code, String message, Throwable cause) {
        this(host, step, code, message, cause, Map.of());
    }

    /** {@code detail}: what is known beyond the message, e.g. an agent's {@code exit} and {@code stderr_tail}. */
    public ConnectionException(String host, Step step, String code, String message, Throwable cause,
                               Map<String, Object> detail) {
        super(host + ": " + step.id() + " failed [" + code + "]: " + message, cause);
        this.host = host;
        this.step = step;
        this.code = code;
        this.detail = Map.copyOf(detail);
        this.reason = message;
    }

    public ConnectionException(String host, Step step, String code, String message) {
        this(host, step, code, message, null);
    }

    /** The host as {@link HostTarget#describe()} names it. */
    public String host() { return host; }

    public Step step() { return step; }

    public String code() { return code; }

    /** The message without the host, step and code in front of it. */
    public String reason() { return reason; }

    /** This failure in the shared vocabulary; its message names the host, step and code. */
    public Failure failure() {
        return Failure.builder(step, code, getMessage()).detail(detail).build();
    }

    /** Structured facts for reports (empty when there are none). */
    public Map<String, Object> detail() { return detail; }
}
