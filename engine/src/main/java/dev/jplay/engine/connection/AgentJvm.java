package dev.jplay.engine.connection;

import java.util.List;

/**
 * The JVM options the agent starts with: the single place to tune them (to be replaced by
 * {@code dev.jplay.agent.AgentLaunch} when the agent ships its own).
 */
final class AgentJvm {
    /** C1 only, serial GC, no perf-data file and CDS when available: the agent is short-lived and small. */
    static final List<String> FLAGS = List.of(
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto");

    /**
     * The agent's locale: Java derives its file-name encoding ({@code sun.jnu.encoding}) from it, and a non-UTF-8
     * one (POSIX, the default of a non-interactive ssh session) makes non-ASCII names in image layers unusable.
     */
    static final String LOCALE = "C.UTF-8";

    private AgentJvm() {}
}
