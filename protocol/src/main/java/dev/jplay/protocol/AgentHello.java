package dev.jplay.protocol;

import java.util.List;

/**
 * The first message of an agent: its protocol version, Java version, process id, module names, when the agent
 * reports it the SHA-256 of its jar (null otherwise), and its effective uid (null where unknown).
 */
public record AgentHello(int protocol, String javaVersion, long pid, List<String> modules, String agentDigest, Long uid) {
    public AgentHello {
        modules = List.copyOf(modules);
    }
}
