package dev.jplay.engine.connection;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** The agent's stdio, whether it runs behind an SSH exec channel or as a local subprocess. */
interface AgentProcess {

    InputStream stdout();

    OutputStream stdin();

    /** The tail of the agent's stderr, waiting up to {@code wait} for it to end. */
    String stderrTail(Duration wait);

    /** How the agent ended ("exit status 1", "killed by signal KILL"), waiting up to {@code wait}; null if unknown. */
    String exitDescription(Duration wait);

    /** Ends the agent and its transport now; idempotent. */
    void destroy();

    /**
     * Marks the transport as not to be reused (the agent stopped answering: its host may be frozen), at once and
     * without blocking; {@link #destroy} then ends it even if another agent shares it.
     */
    default void abandon() {}

    /** Files written beside the agent on a channel of their own (see {@link FileStaging}). */
    default FileStaging staging() throws java.io.IOException {
        throw new java.io.IOException("this transport cannot stage files");
    }
}
