package dev.jplay.engine.yaml;

/** A scalar: String, Integer, Long, Double, Boolean or null. */
public record YamlScalar(Object value, Location location) implements YamlNode {
    @Override
    public Object toJava() {
        return value;
    }

    @Override
    public String describe() {
        return YamlNode.describe(value);
    }

    public boolean isNull() {
        return value == null;
    }
}
