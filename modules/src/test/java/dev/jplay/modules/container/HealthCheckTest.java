package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.ModuleException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
    @Test
    void portAndPathResolveAgainstTheContainerAddress() throws Exception {
        HealthCheck c = HealthCheck.parse(Map.of("http", Map.of("port", 8080, "path", "health", "expect_status", List.of(200, 204)),
                "interval", "500ms", "retries", 5, "start_period", 2, "min_healthy", "1.5", "timeout", "1m"));
        assertTrue(c.needsAddress());
        assertEquals("http://10.1.0.5:8080/health", c.describe("10.1.0.5"));
        assertEquals("http://[fd00::5]:8080/health", c.describe("fd00::5"));
        HealthCheck.Http http = assertInstanceOf(HealthCheck.Http.class, c.probe());
        assertTrue(http.accepts(204));
        assertFalse(http.accepts(302));
        assertEquals(Duration.ofMillis(500), c.interval());
        assertEquals(Duration.ofSeconds(2), c.startPeriod());
        assertEquals(Duration.ofMillis(1500), c.minHealthy());
        assertEquals(Duration.ofMinutes(1), c.timeout());
        assertEquals(5, c.retries());
    }

    @Test
    void explicitTargetsNeedNoAddressAndDefaultsAreDeployFriendly() throws Exception {
        HealthCheck url = HealthCheck.parse(Map.of("http", "http://127.0.0.1:9000/ready"));
        assertFalse(url.needsAddress());
        assertEquals("http://127.0.0.1:9000/ready", url.describe(null));
        HealthCheck.Http http = (HealthCheck.Http) url.probe();
        assertTrue(http.accepts(200) && http.accepts(301));
        assertFalse(http.accepts(404));
        assertEquals(Duration.ofSeconds(1), url.interval());
        assertEquals(Duration.ofSeconds(2), url.timeout());
        assertEquals(3, url.retries());
        assertEquals("tcp://db:5432", HealthCheck.parse(Map.of("tcp", "db:5432")).describe(null));
        assertTrue(HealthCheck.parse(Map.of("tcp", 6379)).needsAddress());
        assertEquals("exec pg_isready -q", HealthCheck.parse(Map.of("cmd", "pg_isready -q")).describe(null));
        assertEquals(List.of("sh", "-c", "test -f /ok"),
                ((HealthCheck.Cmd) HealthCheck.parse(Map.of("cmd", List.of("sh", "-c", "test -f /ok"))).probe()).argv());
        assertNull(HealthCheck.parse(Map.of()));
    }

    @Test
    void mistakesAreArgumentErrors() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("interval", 1),
                Map.of("http", "http://x/", "tcp", 80),
                Map.of("http", "https-ish://x"),
                Map.of("tcp", 70000),
                Map.of("cmd", List.of()),
                Map.of("tcp", 80, "retries", 0),
                Map.of("tcp", 80, "interval", "soon"),
                Map.of("tcp", 80, "intervall", 1))) {
            ModuleException e = assertThrows(ModuleException.class, () -> HealthCheck.parse(bad), bad::toString);
            assertEquals("args", e.step().id(), bad::toString);
        }
    }
}
