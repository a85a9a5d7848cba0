package dev.jplay.engine.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JplayDirTest {
    @TempDir Path dir;

    @Test
    void besideThePlaybookUnlessTheEnvironmentSaysOtherwiseAndTheWorkingDirectoryWithoutPlaybook() {
        Path playbook = dir.resolve("deploy/sub/../site.yml");
        assertEquals(dir.resolve("deploy/.jplay"), JplayDir.locate(playbook, Map.of()));
        assertEquals(dir.resolve("deploy/.jplay"), JplayDir.locate(playbook, Map.of("JPLAY_STATE_DIR", " ")));
        assertEquals(Path.of("site.yml").toAbsolutePath().getParent().resolve(".jplay"), JplayDir.locate(Path.of("site.yml"), Map.of()));
        assertEquals(Path.of("/srv/jplay"), JplayDir.locate(playbook, Map.of("JPLAY_STATE_DIR", "/srv/jplay")));
        assertEquals(Path.of(".jplay"), JplayDir.locate(null, Map.of()));
        assertEquals(Path.of("/srv/jplay"), JplayDir.locate(null, Map.of("JPLAY_STATE_DIR", "/srv/jplay")));
        assertEquals(dir.resolve("deploy/.jplay/runs"), JplayDir.runsDir(JplayDir.locate(playbook, Map.of())));
    }

    @Test
    void fleetStateIsTheStateSubdirectoryOfTheSameDirectory() {
        Path playbook = dir.resolve("deploy/site.yml");
        for (Map<String, String> env : java.util.List.of(Map.<String, String>of(), Map.of("JPLAY_STATE_DIR", "/srv/jplay"))) {
            assertEquals(JplayDir.locate(playbook, env).resolve("state"), FleetStateStore.locate(null, playbook, env));
        }
    }
}
