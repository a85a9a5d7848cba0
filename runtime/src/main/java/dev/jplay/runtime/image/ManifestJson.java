package dev.jplay.runtime.image;

import dev.jplay.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Field readers shared by the manifest and index records. */
final class ManifestJson {
    private ManifestJson() {}

    static int intOrZero(Map<String, Object> m, String key) {
        long value = longOrZero(m, key);
        if (value != (int) value) throw new IllegalArgumentException("'" + key + "' is out of range: " + value);
        return (int) value;
    }

    /** An integer; a string of digits is accepted too, as databind's scalar coercion did ({@code "schemaVersion": "2"}). */
    static long longOrZero(Map<String, Object> m, String key) {
        if (m.get(key) instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' must be an integer, got \"" + s + "\"");
            }
        }
        Long value = Json.longValue(m, key);
        return value == null ? 0 : value;
    }

    /** An array of descriptors; null if absent. */
    static List<Descriptor> descriptors(Map<String, Object> m, String key) {
        List<Object> entries = Json.list(m, key);
        if (entries == null) return null;
        List<Descriptor> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            try {
                out.add(Descriptor.fromJson(Json.asObject(entries.get(i))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
