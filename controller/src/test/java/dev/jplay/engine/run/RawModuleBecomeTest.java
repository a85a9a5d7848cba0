package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.playbook.Become;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.PlaybookParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawModuleBecomeTest {
    @Test
    void rawWithBecomeIsRefusedBeforeAnythingRunsInsteadOfRunningAsTheLoginUser() throws Exception {
        HostTarget target = HostTarget.ssh("web-1", "10.0.0.5", "debian", List.of()).withBecome(Become.root());
        // No connections: a refused task must not reach the host at all.
        TaskResult result = RawModule.run(null, target, Map.of(PlaybookParser.RAW_PARAMS, "apt-get install -y python3"),
                Map.of(), false, Duration.ofSeconds(5));
        Map<String, Object> r = result.registered();
        assertEquals(true, r.get("failed"));
        assertEquals("become", result.failure().step().id());
        assertEquals("BECOME_RAW_UNSUPPORTED", result.failure().code());
        assertTrue(String.valueOf(r.get("msg")).contains("root") && String.valueOf(r.get("msg")).contains("sudo -n"), String.valueOf(r.get("msg")));
    }
}
