package dev.jplay.engine.connection;

import dev.jplay.protocol.AgentHello;
import dev.jplay.protocol.AgentResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A running agent on one host, reached over one connection for the whole run. Calls may be pipelined from
 * any thread. A module that fails still completes the future normally (with status "failed"); the future
 * completes exceptionally, with a {@link ConnectionException}, only when the agent cannot answer: it died
 * ({@code AGENT_EXITED}), broke the protocol ({@code PROTOCOL}), did not answer in time ({@code TIMEOUT})
 * or the session was closed ({@code SESSION_CLOSED}).
 */
public interface AgentSession extends AutoCloseable {

    HostTarget target();

    AgentHello hello();

    StartupReport startup();

    /**
     * Runs {@code module} on the host. {@code timeout} (nullable: none) is passed to the agent, which enforces
     * it; the controller gives up a grace period later.
     */
    CompletableFuture<AgentResult> call(String module, Map<String, Object> args, boolean check, boolean diff,
                                        Duration timeout, Map<String, String> env);

    default CompletableFuture<AgentResult> call(String module, Map<String, Object> args) {
        return call(module, args, false, false, null, null);
    }

    /**
     * Opens a way to write files to the host beside this agent, on a channel of their own (an SSH host: SFTP on the
     * same connection), for the agent to consume; the caller closes it.
     */
    default FileStaging staging() throws java.io.IOException {
        throw new java.io.IOException("files cannot be staged on " + target().describe());
    }

    /** False once the agent died, broke the protocol or the session was closed. */
    boolean isOpen();

    /** Gives up on the agent at once: pending calls fail, the connection is dropped without waiting. Idempotent. */
    void abort();

    /** Ends the agent (stdin EOF, it finishes what is in flight) and the connection. Idempotent. */
    @Override
    void close();
}
