package dev.jplay.agent;

import dev.jplay.protocol.AgentError;
import dev.jplay.protocol.AgentResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link AgentResult} as the map databind would write (same names, nulls omitted), so the controller reads
 * it with the annotated records while the agent never loads databind.
 */
final class WireFormat {
    private WireFormat() {}

    static Map<String, Object> toMap(AgentResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", r.type());
        m.put("id", r.id());
        m.put("status", r.status());
        m.put("changed", r.changed());
        putIfSet(m, "rc", r.rc());
        putIfSet(m, "stdout", r.stdout());
        putIfSet(m, "stderr", r.stderr());
        putIfSet(m, "msg", r.msg());
        putIfSet(m, "diff", r.diff());
        putIfSet(m, "data", r.data());
        if (r.error() != null) m.put("error", toMap(r.error()));
        m.put("duration_ms", r.durationMs());
        return m;
    }

    static Map<String, Object> toMap(AgentError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "step", e.step());
        putIfSet(m, "code", e.code());
        putIfSet(m, "message", e.message());
        putIfSet(m, "detail", e.detail());
        return m;
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) m.put(key, value);
    }
}
