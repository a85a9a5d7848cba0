package dev.jplay.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime's and the agent's one JSON utility, on jackson-core's streaming API only: JSON values are plain
 * {@code Map<String, Object>} (keys in document order), {@code List<Object>}, {@code String}, {@code Number}
 * ({@code Integer}, {@code Long} or {@code BigInteger} for integers, as small as fits; {@code Double} otherwise),
 * {@code Boolean} and {@code null}.
 *
 * <p>Why not jackson-databind: the agent is started once per host per run, and databind costs it ~520 loaded classes
 * (~100 ms of CPU on a first run) and 1.4 MB of upload. The written form equals databind's for the same values,
 * compact and pretty ({@link DefaultPrettyPrinter}), so hashes and files written before stay comparable.
 *
 * <p>It lives in the protocol module, the lowest of all (the agent's codec and the runtime both use it), under its
 * first package name.
 *
 * <p>The typed accessors ({@link #string}, {@link #longValue}, ...) read one field of an object: absent and
 * {@code null} give null, a value of the wrong type fails with an {@link IllegalArgumentException} naming the field.
 */
public final class Json {
    /** A string value may be as long as the longest line the agent accepts (jackson-core's default is 20 MB). */
    static final int MAX_STRING_LENGTH = 64 * 1024 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_LENGTH).build())
            .build();

    private Json() {}

    // ---- reading ----

    /** Parses one JSON value; fails on empty input and on anything after the value. */
    public static Object parse(byte[] json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) throw new IOException("empty input, expected a JSON value");
            Object value = read(p);
            if (p.nextToken() != null) throw new IOException("trailing data after the JSON value");
            return value;
        }
    }

    /** Parses a document whose top level must be an object. */
    public static Map<String, Object> parseObject(byte[] json) throws IOException {
        Object value = parse(json);
        if (value instanceof Map) return asObject(value);
        throw new IOException("expected a JSON object at the top level, got " + typeName(value));
    }

    /** {@link #parseObject(byte[])} of a file's content; errors name the file. */
    public static Map<String, Object> parseObject(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parseObject(bytes);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static Object read(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, read(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) l.add(read(p));
                return l;
            }
            case VALUE_STRING: return p.getText();
            case VALUE_NUMBER_INT: return p.getNumberValue();
            case VALUE_NUMBER_FLOAT: return p.getDoubleValue();
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            case VALUE_NULL: return null;
            default: throw new IOException("unexpected " + p.currentToken());
        }
    }

    // ---- writing ----

    /**
     * One line of UTF-8 JSON (strings escape line breaks). Values must be plain JSON values (maps, collections,
     * strings, numbers, booleans, null); anything else fails with an {@link IllegalArgumentException} that names
     * its type and where it was, e.g. {@code data.path}.
     */
    public static byte[] write(Object value) {
        return write(value, false);
    }

    /** As {@link #write}, indented the way databind's default pretty printer does it (for files people read). */
    public static byte[] writePretty(Object value) {
        return write(value, true);
    }

    /** {@link #write} as a String. */
    public static String writeString(Object value) {
        return new String(write(value, false), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] write(Object value, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) g.setPrettyPrinter(new DefaultPrettyPrinter());
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof BigInteger n) {
            g.writeNumber(n);
        } else if (v instanceof BigDecimal n) {
            g.writeNumber(n);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                g.writeFieldName(key);
                try {
                    write(g, e.getValue());
                } catch (UnsupportedValue u) {
                    throw u.under(key);
                }
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            int i = 0;
            for (Object o : c) {
                try {
                    write(g, o);
                } catch (UnsupportedValue u) {
                    throw u.under("[" + i + "]");
                }
                i++;
            }
            g.writeEndArray();
        } else {
            throw new UnsupportedValue(v.getClass());
        }
    }

    /** A value that is no plain JSON value; the message names where it was once the writer has unwound. */
    private static final class UnsupportedValue extends IllegalArgumentException {
        private final Class<?> type;
        private String path = "";

        UnsupportedValue(Class<?> type) {
            this.type = type;
        }

        UnsupportedValue under(String step) {
            path = step + (path.isEmpty() || path.startsWith("[") ? path : "." + path);
            return this;
        }

        @Override
        public String getMessage() {
            return "cannot write a " + type.getName() + (path.isEmpty() ? "" : " at " + path)
                    + " as JSON: only maps, lists, strings, numbers, booleans and null";
        }
    }

    // ---- typed access to one field of an object ----

    /** The value as an object, e.g. an element of a {@link #list}; fails if it is not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value) {
        if (value instanceof Map) return (Map<String, Object>) value;
        throw new IllegalArgumentException("expected a JSON object, got " + typeName(value));
    }

    /** An object field; null if absent or null. */
    public static Map<String, Object> object(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null || v instanceof Map) return v == null ? null : asObject(v);
        throw wrongType(key, "an object", v);
    }

    /** An array field; null if absent or null. */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null || v instanceof List) return (List<Object>) v;
        throw wrongType(key, "an array", v);
    }

    /** A string field; null if absent or null. A number or boolean gives its JSON text (as databind's asText did). */
    public static String string(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null || v instanceof String) return (String) v;
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        throw wrongType(key, "a string", v);
    }

    /** An array of strings (numbers and booleans as their text); null if absent or null; a null element fails. */
    public static List<String> strings(Map<String, ?> m, String key) {
        List<Object> values = list(m, key);
        if (values == null) return null;
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v == null || v instanceof Map || v instanceof List) throw wrongType(key + "[" + i + "]", "a string", v);
            out.add(String.valueOf(v));
        }
        return out;
    }

    /** An object of strings (e.g. annotations), in document order; null if absent or null; a null value fails. */
    public static Map<String, String> stringMap(Map<String, ?> m, String key) {
        Map<String, Object> values = object(m, key);
        if (values == null) return null;
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getValue() == null) throw wrongType(key + "." + e.getKey(), "a string", null);
            out.put(e.getKey(), string(values, e.getKey()));
        }
        return out;
    }

    /** An integer field that fits a long; null if absent or null. */
    public static Long longValue(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
        throw wrongType(key, "an integer (64-bit)", v);
    }

    /** An integer field that fits an int; null if absent or null. */
    public static Integer intValue(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof Integer i) return i;
        throw wrongType(key, "an integer (32-bit)", v);
    }

    /** A number field as a double; null if absent or null. */
    public static Double doubleValue(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof Number n) return n.doubleValue();
        throw wrongType(key, "a number", v);
    }

    /** A boolean field; null if absent or null. */
    public static Boolean booleanValue(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null || v instanceof Boolean) return (Boolean) v;
        throw wrongType(key, "a boolean", v);
    }

    private static IllegalArgumentException wrongType(String key, String expected, Object actual) {
        String shown = actual instanceof String s ? "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\""
                : actual instanceof Number || actual instanceof Boolean ? String.valueOf(actual) : typeName(actual);
        return new IllegalArgumentException("'" + key + "' must be " + expected + ", got " + shown);
    }

    private static String typeName(Object value) {
        if (value == null) return "null";
        if (value instanceof Map) return "an object";
        if (value instanceof List) return "an array";
        if (value instanceof String) return "a string";
        if (value instanceof Number) return "a number";
        if (value instanceof Boolean) return "a boolean";
        return value.getClass().getName();
    }
}
