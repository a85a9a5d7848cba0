package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageRelayStepTest {
    @Test
    void onlyTasksThatNeedTheImageOnTheHostAreRelayed() {
        assertEquals("name", ImageRelayStep.imageArg("image", Map.of("name", "r/a:1")));
        assertNull(ImageRelayStep.imageArg("image", Map.of("name", "r/a:1", "state", "absent")));
        assertNull(ImageRelayStep.imageArg("image", Map.of("prune", true)));
        assertEquals("image", ImageRelayStep.imageArg("container", Map.of("name", "web", "image", "r/a:1")));
        assertEquals("image", ImageRelayStep.imageArg("container", Map.of("name", "web", "image", "r/a:1", "state", "present")));
        assertNull(ImageRelayStep.imageArg("container", Map.of("name", "web", "image", "r/a:1", "state", "stopped")));
        assertNull(ImageRelayStep.imageArg("container", Map.of("name", "web", "state", "absent")));
        assertNull(ImageRelayStep.imageArg("command", Map.of("cmd", "true")));
    }
}
