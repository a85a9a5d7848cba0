package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Step;
import org.junit.jupiter.api.Test;

class AgentStartFailureTest {

    @Test
    void namesTheJavaVersionThatIsTooOld() {
        // What a Java 11 JVM prints for a class compiled for 17.
        String stderr = "Error: LinkageError occurred while loading main class dev.jplay.agent.AgentMain\n"
                + "\tjava.lang.UnsupportedClassVersionError: dev/jplay/agent/AgentMain has been compiled by a more"
                + " recent version of the Java Runtime (class file version 61.0), this version of the Java Runtime"
                + " only recognizes class file versions up to 55.0";
        ConnectionException e = AgentStartFailure.explain("web-1 (10.0.0.1)", stderr, "exit status 1", false);
        assertEquals("JAVA_TOO_OLD", e.code());
        assertEquals(Step.AGENT, e.step());
        assertTrue(e.getMessage().contains("Java 11") && e.getMessage().contains("web-1"), e.getMessage());
    }

    @Test
    void otherwiseReportsTheExitAndStderr() {
        ConnectionException e = AgentStartFailure.explain("db (10.0.0.2)", "Error: Invalid or corrupt jarfile", "exit status 1", false);
        assertEquals("AGENT_EXITED", e.code());
        assertTrue(e.getMessage().contains("corrupt jarfile") && e.getMessage().contains("exit status 1"), e.getMessage());
        assertEquals("AGENT_START_TIMEOUT", AgentStartFailure.explain("db", "", null, true).code());
    }
}
