package dev.jplay.inventory.plugins;

import dev.jplay.inventory.InventoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed access to a plugin's YAML configuration; errors name the file, the plugin and the key. */
final class PluginConfig {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private final Path file;
    private final String plugin;
    private final Map<String, Object> values;

    PluginConfig(Path file, Map<String, Object> values, Set<String> known) {
        this.file = file;
        this.plugin = String.valueOf(values.get("plugin"));
        this.values = values;
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        unknown.remove("plugin");
        if (!unknown.isEmpty()) throw error("unknown keys " + unknown + " (known: " + new TreeSet<>(known) + ")");
    }

    Path file() {
        return file;
    }

    Map<String, Object> values() {
        return values;
    }

    String string(String key, String fallback) {
        Object v = values.get(key);
        if (v == null) return fallback;
        if (!(v instanceof String s)) throw error("'" + key + "' must be a string, got: " + v);
        return s;
    }

    String requiredString(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) throw error("'" + key + "' is required");
        return v;
    }

    boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) return fallback;
        if (!(v instanceof Boolean b)) throw error("'" + key + "' must be true or false, got: " + v);
        return b;
    }

    Map<String, Object> map(String key) {
        return map(values.get(key), "'" + key + "'");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(Object v, String what) {
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> m)) throw error(what + " must be a mapping, got: " + v);
        for (Object k : m.keySet()) if (!(k instanceof String)) throw error(what + " has a key that is not a string: " + k);
        return (Map<String, Object>) m;
    }

    List<?> list(Object v, String what) {
        if (v == null) return List.of();
        if (!(v instanceof List<?> l)) throw error(what + " must be a list, got: " + v);
        return l;
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, {@code 1d}, or a number of seconds. */
    Duration duration(String key, Duration fallback) {
        Object v = values.get(key);
        if (v == null) return fallback;
        if (v instanceof Integer || v instanceof Long) return Duration.ofSeconds(((Number) v).longValue());
        Matcher m = DURATION.matcher(String.valueOf(v).trim());
        if (!m.matches()) throw error("'" + key + "' must be a duration such as 10s, 500ms, 5m, 1h, got: " + v);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    InventoryException error(String message) {
        return new InventoryException(file + ": " + plugin + ": " + message);
    }

    InventoryException error(String message, Throwable cause) {
        return new InventoryException(file + ": " + plugin + ": " + message, cause);
    }
}
