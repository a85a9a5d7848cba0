package dev.jplay.engine.connection;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A Java runtime made for the agent ({@link AgentRuntimeBuilder}), packed as one {@code .tar.gz} the controller
 * uploads to hosts without Java. Hosts keep it unpacked in {@code ~/.jplay/runtime/<first 16 hex of the archive's
 * SHA-256>/}, as they keep the agent jar. {@code built} is how long jlink and packing took in this process, or
 * null when it came from the controller's cache.
 */
record AgentRuntime(Path archive, String sha256, long size, long unpackedSize, HostPlatform platform, Duration built) {

    /** The host directory's name under {@code ~/.jplay/runtime}. */
    String dirName() {
        return sha256.substring(0, 16);
    }
}
