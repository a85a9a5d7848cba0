package dev.jplay.inventory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Helpers for variable values: YAML/JSON trees of maps, lists and scalars, which may hold nulls. */
final class Values {
    private Values() {}

    /** An unmodifiable deep copy; keeps nulls and order, which {@link Map#copyOf} would not. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> freezeMap(Map<String, ?> map) {
        if (map.isEmpty()) return Map.of();
        Map<String, Object> copy = new LinkedHashMap<>(map.size() * 2);
        map.forEach((k, v) -> copy.put(k, freeze(v)));
        return Collections.unmodifiableMap(copy);
    }

    static Object freeze(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, freeze(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            for (Object v : l) copy.add(freeze(v));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    /** A copy for JSON output: maps sorted by key, non-string keys written as JSON would name them. */
    static Object forJson(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), forJson(v)));
            return sorted;
        }
        if (value instanceof Iterable<?> l) {
            List<Object> copy = new ArrayList<>();
            for (Object v : l) copy.add(forJson(v));
            return copy;
        }
        return value;
    }

    /** Map keys of YAML/JSON/Python data as Ansible variable names. */
    static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
