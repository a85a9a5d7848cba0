package dev.jplay.agent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed request line ({@code run} or {@code bye}), checked field by field. */
record Request(String type, long id, String module, Map<String, Object> args, boolean check, boolean diff,
               Duration timeout, Map<String, String> env) {

    /** A request that cannot be run; {@code id} is the request's id if it had a usable one, else -1. */
    static final class Invalid extends Exception {
        final long id;

        Invalid(long id, String message) {
            super(message);
            this.id = id;
        }
    }

    boolean isBye() { return "bye".equals(type); }

    @SuppressWarnings("unchecked")
    static Request parse(Object json) throws Invalid {
        if (!(json instanceof Map<?, ?> m)) throw new Invalid(-1, "a request must be a JSON object");
        long id = m.get("id") instanceof Number n ? n.longValue() : -1;
        Object type = m.get("type");
        if ("bye".equals(type)) return new Request("bye", id, null, Map.of(), false, false, null, Map.of());
        if (!"run".equals(type)) throw new Invalid(id, "unknown request type '" + type + "' (expected run or bye)");
        if (!(m.get("id") instanceof Number)) throw new Invalid(-1, "'id' must be a number");
        if (!(m.get("module") instanceof String module)) throw new Invalid(id, "'module' must be a string");
        Object args = m.get("args");
        if (args != null && !(args instanceof Map)) throw new Invalid(id, "'args' must be an object");
        Object timeout = m.get("timeout_ms");
        if (timeout != null && !(timeout instanceof Number)) throw new Invalid(id, "'timeout_ms' must be a number");
        Map<String, String> env = new LinkedHashMap<>();
        Object envValue = m.get("env");
        if (envValue instanceof Map<?, ?> e) {
            for (Map.Entry<?, ?> kv : e.entrySet()) {
                Object v = kv.getValue();
                if (v instanceof Map || v instanceof List) throw new Invalid(id, "env value of '" + kv.getKey()
                        + "' must be a scalar");
                if (v != null) env.put(String.valueOf(kv.getKey()), String.valueOf(v));
            }
        } else if (envValue != null) {
            throw new Invalid(id, "'env' must be an object");
        }
        return new Request("run", id, module, args == null ? Map.of() : (Map<String, Object>) args,
                Boolean.TRUE.equals(m.get("check")), Boolean.TRUE.equals(m.get("diff")),
                timeout == null ? null : Duration.ofMillis(((Number) timeout).longValue()), Map.copyOf(env));
    }
}
