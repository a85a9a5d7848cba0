package dev.jplay.engine.connection;

import dev.jplay.protocol.Step;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Explains an agent that ended before its hello, from its stderr and exit. */
final class AgentStartFailure {
    private static final Pattern RECOGNIZES = Pattern.compile("class file versions up to (\\d+)\\.\\d+");

    private AgentStartFailure() {}

    static ConnectionException explain(String host, String stderr, String exit, boolean timedOut) {
        if (stderr.contains("UnsupportedClassVersionError")) {
            Matcher m = RECOGNIZES.matcher(stderr);
            String found = m.find()
                    ? "Java " + (Integer.parseInt(m.group(1)) - 44) + " (class file " + m.group(1) + ")"
                    : "an older Java";
            return new ConnectionException(host, Step.AGENT, "JAVA_TOO_OLD",
                    "the host's java is " + found + "; the agent needs Java 17 or newer");
        }
        String detail = (exit == null ? "" : " (" + exit + ")") + (stderr.isEmpty() ? "" : "; stderr: " + stderr);
        if (timedOut) {
            return new ConnectionException(host, Step.AGENT, "AGENT_START_TIMEOUT", "the agent did not say hello in time" + detail);
        }
        return new ConnectionException(host, Step.AGENT, "AGENT_EXITED", "the agent exited before its hello" + detail);
    }
}
