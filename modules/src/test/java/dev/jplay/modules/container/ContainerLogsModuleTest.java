package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerLogsModuleTest {
    @Test
    void anAppNameMatchesItsInstancesOnly() {
        assertTrue(ContainerLogsModule.matches("web-3", List.of()), "none: all");
        assertTrue(ContainerLogsModule.matches("web-3", List.of("web")));
        assertTrue(ContainerLogsModule.matches("web-3-blue", List.of("web")));
        assertTrue(ContainerLogsModule.matches("web-3", List.of("api", "web-3")));
        assertFalse(ContainerLogsModule.matches("web-api-1", List.of("web")));
        assertFalse(ContainerLogsModule.matches("webapp-1", List.of("web")));
        assertFalse(ContainerLogsModule.matches("web-", List.of("web")));
        assertFalse(ContainerLogsModule.matches("web-3", List.of("web-30")));
    }
}
