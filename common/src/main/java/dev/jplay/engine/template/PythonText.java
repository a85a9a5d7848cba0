package dev.jplay.engine.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Values written as Python writes them, so that filters give Ansible's text: {@code str()} ({@code None},
 * {@code True}, {@code ['a', 1]}, {@code {'k': 'v'}}), {@code json.dumps} (with its ", " and ": " separators and
 * ASCII escapes) and PyYAML's {@code yaml.dump} (sorted keys, flow style for collections of scalars).
 */
final class PythonText {
    private PythonText() {}

    static String str(Object v) {
        if (v instanceof String s) return s;
        return repr(v);
    }

    static String repr(Object v) {
        if (v == null || v == Filters.UNDEFINED) return v == null ? "None" : "";
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof String s) return quote(s);
        if (v instanceof Double d) return pythonFloat(d);
        if (v instanceof List<?> l) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) out.append(i > 0 ? ", " : "").append(repr(l.get(i)));
            return out.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder out = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                first = false;
            }
            return out.append('}').toString();
        }
        return String.valueOf(v);
    }

    private static String quote(String s) {
        char q = s.contains("'") && !s.contains("\"") ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(q);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c == q) out.append('\\');
                    out.append(c);
                }
            }
        }
        return out.append(q).toString();
    }

    private static String pythonFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e16) return String.valueOf((long) d) + ".0";
        return String.valueOf(d);
    }

    /** Python's {@code json.dumps(v, indent=indent, sort_keys=sort, separators=(item, key))}. */
    static String json(Object v, Object indent, boolean sort, String item, String key) {
        StringBuilder out = new StringBuilder();
        String unit = indent == null ? null : indent instanceof String s ? s : " ".repeat((int) Filters.toLong(indent));
        writeJson(out, v, unit, 0, sort, unit == null ? item : item.strip(), key);
        return out.toString();
    }

    private static void writeJson(StringBuilder out, Object v, String unit, int depth, boolean sort, String item,
                                  String key) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof java.math.BigInteger) {
            out.append(v);
        } else if (v instanceof Double d) {
            out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : pythonFloat(d));
        } else if (v instanceof Number n) {
            out.append(n);
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) out.append(item);
                newline(out, unit, depth + 1);
                writeJson(out, l.get(i), unit, depth + 1, sort, item, key);
            }
            newline(out, unit, depth);
            out.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.append("{}");
                return;
            }
            Map<?, ?> entries = sort ? sorted(m) : m;
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                if (!first) out.append(item);
                first = false;
                newline(out, unit, depth + 1);
                Object k = e.getKey();
                jsonString(out, k instanceof String s ? s : k instanceof Boolean b ? String.valueOf(b)
                        : k == null ? "null" : String.valueOf(k));
                out.append(key);
                writeJson(out, e.getValue(), unit, depth + 1, sort, item, key);
            }
            newline(out, unit, depth);
            out.append('}');
        } else {
            jsonString(out, String.valueOf(v));
        }
    }

    private static void newline(StringBuilder out, String unit, int depth) {
        if (unit != null) out.append('\n').append(unit.repeat(depth));
    }

    private static void jsonString(StringBuilder out, String s) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    private static Map<Object, Object> sorted(Map<?, ?> m) {
        Map<Object, Object> out = new TreeMap<>((a, b) -> Filters.compare(a, b, true));
        out.putAll(m);
        return out;
    }

    /** PyYAML's {@code yaml.dump}: keys sorted; {@code nice} is to_nice_yaml's block style. */
    static String yaml(Object v, boolean nice, Integer indent) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(nice ? DumperOptions.FlowStyle.BLOCK : DumperOptions.FlowStyle.AUTO);
        options.setAllowUnicode(true);
        options.setSplitLines(true);
        if (indent != null) {
            options.setIndent(indent);
            options.setIndicatorIndent(0);
        }
        return new Yaml(options).dump(sortedDeep(v));
    }

    private static Object sortedDeep(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new TreeMap<>((a, b) -> Filters.compare(a, b, true));
            m.forEach((k, x) -> out.put(k, sortedDeep(x)));
            return new java.util.LinkedHashMap<>(out);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(sortedDeep(o));
            return out;
        }
        return v;
    }
}
