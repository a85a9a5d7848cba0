package dev.jplay.modules.http;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UriModuleTest {
    private LoopbackHttp http;
    private final UriModule uri = new UriModule();

    @BeforeEach
    void up() throws Exception {
        http = new LoopbackHttp()
                .answer("/health", 200, "application/json", "{\"ok\":true,\"n\":3}".getBytes(StandardCharsets.UTF_8), 0)
                .answer("/missing", 404, "text/plain", "no".getBytes(StandardCharsets.UTF_8), 0)
                .answer("/slow", 200, "text/plain", "late".getBytes(StandardCharsets.UTF_8), 5_000)
                .answer("/items", 201, null, new byte[0], 0);
    }

    @AfterEach
    void down() {
        http.close();
    }

    @Test
    void statusCheckWithContentAndJson() throws Exception {
        ModuleResult r = uri.run(args("uri", "url", http.url("/health"), "return_content", true), Contexts.normal());
        assertFalse(r.isFailed());
        assertFalse(r.isChanged());
        assertEquals(200, r.data().get("status"));
        Map<?, ?> json = (Map<?, ?>) r.data().get("json");
        assertEquals(true, json.get("ok"));
        assertEquals(3, ((Number) json.get("n")).intValue());
    }

    @Test
    void anUnexpectedStatusFailsWithTheStatusAndAListAccepts() throws Exception {
        ModuleResult r = uri.run(args("uri", "url", http.url("/missing")), Contexts.normal());
        assertTrue(r.isFailed());
        assertEquals(404, r.data().get("status"));
        assertTrue(r.msg().startsWith("Status code was 404 and not [200]"), r.msg());
        assertFalse(uri.run(args("uri", "url", http.url("/missing"), "status_code", List.of(200, 404)), Contexts.normal()).isFailed());
    }

    @Test
    void jsonBodyIsSentAndCheckModeSendsNoPost() throws Exception {
        ModuleResult checked = uri.run(args("uri", "url", http.url("/items"), "method", "POST", "body", Map.of("a", 1),
                "body_format", "json", "status_code", 201), Contexts.check());
        assertFalse(checked.isFailed());
        assertTrue(http.seen.isEmpty(), "nothing sent in check mode");
        uri.run(args("uri", "url", http.url("/items"), "method", "POST", "body", Map.of("a", 1), "body_format", "json",
                "status_code", 201), Contexts.normal());
        assertEquals(new LoopbackHttp.Seen("POST", "/items", "application/json", "{\"a\":1}"), http.seen.get(0));
    }

    @Test
    void theTimeoutIsADeadline() {
        long start = System.nanoTime();
        ModuleException e = assertThrows(ModuleException.class,
                () -> uri.run(args("uri", "url", http.url("/slow"), "timeout", 1), Contexts.normal()));
        assertEquals("HTTP_TIMEOUT", e.code());
        assertTrue(System.nanoTime() - start < 4_000_000_000L, "ended by the 1 s deadline, not the 5 s answer");
    }

    @Test
    void badArgumentsAreLocated() {
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> uri.run(args("uri", "url", "file:///etc/passwd"), Contexts.normal())).code());
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> uri.run(args("uri", "url", http.url("/health"), "status_code", "ok"), Contexts.normal())).code());
    }
}
