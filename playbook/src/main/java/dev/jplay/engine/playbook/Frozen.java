package dev.jplay.engine.playbook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Read-only copies that, unlike Map.copyOf, keep YAML nulls and key order. */
final class Frozen {
    private Frozen() {}

    static Map<String, Object> map(Map<String, Object> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
