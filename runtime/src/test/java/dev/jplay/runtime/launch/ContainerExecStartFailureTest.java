package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** runc's words for a command it could not start become Docker's exit codes; a command's own 255 stays 255. */
class ContainerExecStartFailureTest {
    @Test
    void runcStartFailuresMapToDockersCodes() {
        assertEquals(127, ContainerExec.startFailure(255, "time=\"...\" level=error msg=\"exec failed: unable to start container process: "
                + "exec: \\\"nope\\\": executable file not found in $PATH\""));
        assertEquals(127, ContainerExec.startFailure(255, "exec failed: unable to start container process: exec: \"/no/tool\": stat /no/tool: "
                + "no such file or directory"));
        assertEquals(126, ContainerExec.startFailure(255, "exec failed: unable to start container process: exec: \"/etc/passwd\": "
                + "permission denied"));
        assertNull(ContainerExec.startFailure(255, "my tool says: no such file or directory"));
        assertNull(ContainerExec.startFailure(1, "exec failed: whatever"));
    }
}
