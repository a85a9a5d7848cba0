package dev.jplay.engine.connection;

import java.io.IOException;
import java.io.InputStream;

/**
 * Files written to a host beside its agent, on a channel of their own: a relayed image's blobs go over SFTP on the
 * host's SSH connection, so they never queue behind (or block) the agent's request/response lines. Each file is new
 * and private (0600, never an existing path); the agent that consumes one deletes it.
 */
public interface FileStaging extends AutoCloseable {
    /** Writes {@code size} bytes from {@code in} to a new file named after {@code name}; returns its absolute path. */
    String put(String name, InputStream in, long size) throws IOException;

    /** Removes staged files older than {@code minutes} that an interrupted relay left (best effort); their count. */
    int sweep(int minutes);

    @Override
    void close();
}
