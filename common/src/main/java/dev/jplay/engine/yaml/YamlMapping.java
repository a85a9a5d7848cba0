package dev.jplay.engine.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A YAML mapping with string keys, in document order. Keys are never converted (see {@link YamlLoader}). */
public final class YamlMapping implements YamlNode {
    /** One key and its value, with the key's own location (for "unknown keyword" errors). */
    public record Entry(String key, Location keyLocation, YamlNode value) {}

    private final Map<String, Entry> entries;
    private final Location location;

    YamlMapping(Map<String, Entry> entries, Location location) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.location = location;
    }

    @Override
    public Location location() {
        return location;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value under {@code key}, or null when the key is absent (a present key with a null value is a null scalar). */
    public YamlNode get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.value();
    }

    public Location keyLocation(String key) {
        Entry e = entries.get(key);
        return e == null ? location : e.keyLocation();
    }

    @Override
    public Map<String, Object> toJava() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Entry e : entries.values()) out.put(e.key(), e.value().toJava());
        return out;
    }

    @Override
    public String describe() {
        return "a mapping";
    }

    @Override
    public String toString() {
        return "YamlMapping" + entries.keySet() + "@" + location;
    }
}
