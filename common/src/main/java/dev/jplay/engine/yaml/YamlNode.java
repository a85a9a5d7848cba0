package dev.jplay.engine.yaml;

/**
 * A loaded YAML value that remembers where it was written. {@link #toJava()} gives the plain Java value
 * (LinkedHashMap, ArrayList, String, Integer, Long, Double, Boolean or null) for code that needs no locations.
 */
public sealed interface YamlNode permits YamlScalar, YamlSequence, YamlMapping {
    Location location();

    /** A fresh, mutable plain Java copy of this value. */
    Object toJava();

    /** What the value is, for messages: "a string", "an integer", "a list", "a mapping"... */
    String describe();

    static String describe(Object value) {
        if (value == null) return "null";
        if (value instanceof String) return "a string";
        if (value instanceof Integer || value instanceof Long) return "an integer";
        if (value instanceof Double) return "a float";
        if (value instanceof Boolean) return "a boolean";
        if (value instanceof java.util.Map) return "a mapping";
        if (value instanceof java.util.List) return "a list";
        return "a " + value.getClass().getSimpleName();
    }
}
