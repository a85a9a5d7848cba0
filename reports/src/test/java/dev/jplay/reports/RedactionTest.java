package dev.jplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void secretLookingKeysAreMaskedAtAnyDepth() {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("rc", 1);
        detail.put("DB_PASSWORD", "hunter2");
        detail.put("auth_header", "Bearer x");
        detail.put("registry", Map.of("url", "https://r", "token", "t0k"));
        detail.put("users", List.of(Map.of("name", "ann", "credentials", "c")));
        Map<String, Object> r = Redaction.redact(detail);

        assertEquals(1, r.get("rc"));
        assertEquals(Redaction.MASK, r.get("DB_PASSWORD"));
        assertEquals(Redaction.MASK, r.get("auth_header"));
        assertEquals(Map.of("url", "https://r", "token", Redaction.MASK), r.get("registry"));
        assertEquals(List.of(Map.of("name", "ann", "credentials", Redaction.MASK)), r.get("users"));
        assertFalse(r.toString().contains("hunter2"));
        assertEquals("hunter2", detail.get("DB_PASSWORD"), "the input is not changed");
    }

    @Test
    void keysAreJudgedByName() {
        for (String k : List.of("password", "passwd", "api_key", "apiKey", "client_secret", "private-key", "x-auth")) {
            assertTrue(Redaction.isSecretKey(k), k);
        }
        for (String k : List.of("rc", "stderr_tail", "url", "digest", "path", "status")) {
            assertFalse(Redaction.isSecretKey(k), k);
        }
        assertNull(Redaction.redact((Map<String, Object>) null));
    }
}
