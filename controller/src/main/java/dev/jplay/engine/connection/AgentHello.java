package dev.jplay.engine.connection;

import java.util.List;

/**
 * The first message of an agent: its protocol version, Java version, process id, module names and, when the
 * agent reports it, the SHA-256 of its jar (null otherwise).
 */
public record AgentHello(int protocol, String javaVersion, long pid, List<String> modules, String agentDigest) {
    public AgentHello {
        modules = List.copyOf(modules);
    }
}
