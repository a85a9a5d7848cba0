package dev.jplay.modules;

import dev.jplay.protocol.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed access to a module's arguments. Every getter fails with step {@code args} and a message naming the
 * argument; {@link #rejectUnknown} turns typos into errors instead of silently ignored keys.
 */
public final class ModuleArgs {
    private final String module;
    private final Map<String, Object> values;

    public ModuleArgs(String module, Map<String, Object> values) {
        this.module = module;
        this.values = values == null ? Map.of() : values;
    }

    public Map<String, Object> raw() { return values; }
    public boolean has(String name) { return values.get(name) != null; }

    /** The supported names are listed sorted: a {@code Set.of}'s order differs from run to run. */
    public void rejectUnknown(Set<String> allowed) throws ModuleException {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new ModuleException(Step.ARGS, "ARG_UNKNOWN", module + ": unsupported argument '" + k
                        + "' (supported: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    public String string(String name) throws ModuleException {
        Object v = values.get(name);
        if (v == null) throw new ModuleException(Step.ARGS, "ARG_MISSING", module + ": argument '" + name + "' is required");
        return asString(name, v);
    }

    public String string(String name, String dflt) throws ModuleException {
        Object v = values.get(name);
        return v == null ? dflt : asString(name, v);
    }

    private String asString(String name, Object v) throws ModuleException {
        if (v instanceof String s) return s;
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        throw new ModuleException(Step.ARGS, "ARG_TYPE", module + ": argument '" + name + "' must be a string, got " + typeName(v));
    }

    public boolean bool(String name, boolean dflt) throws ModuleException {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s) {
            switch (s.toLowerCase()) {
                case "true", "yes", "on", "1": return true;
                case "false", "no", "off", "0": return false;
                default: break;
            }
        }
        throw new ModuleException(Step.ARGS, "ARG_TYPE", module + ": argument '" + name + "' must be a boolean, got '" + v + "'");
    }

    public long number(String name, long dflt) throws ModuleException {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.longValue();
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new ModuleException(Step.ARGS, "ARG_TYPE", module + ": argument '" + name + "' must be a number, got '" + v + "'");
    }

    /** A list of strings; a single string is a one-element list. */
    public List<String> strings(String name) throws ModuleException {
        Object v = values.get(name);
        if (v == null) return List.of();
        if (v instanceof String s) return List.of(s);
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(asString(name, o));
            return out;
        }
        throw new ModuleException(Step.ARGS, "ARG_TYPE", module + ": argument '" + name + "' must be a list, got " + typeName(v));
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) throws ModuleException {
        Object v = values.get(name);
        if (v == null) return Map.of();
        if (v instanceof Map<?, ?> m) return new LinkedHashMap<>((Map<String, Object>) m);
        throw new ModuleException(Step.ARGS, "ARG_TYPE", module + ": argument '" + name + "' must be a mapping, got " + typeName(v));
    }

    private static String typeName(Object v) {
        if (v instanceof Map) return "a mapping";
        if (v instanceof List) return "a list";
        return v.getClass().getSimpleName();
    }
}
