package dev.jplay.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides values whose key looks secret before any writer prints a {@code detail} map. The runner already hides
 * {@code no_log} tasks; this catches secrets that a module or a failure put into structured details.
 */
public final class Redaction {
    public static final String MASK = "********";

    private static final Pattern SECRET_KEY = Pattern.compile(
            "passw(or)?d|passphrase|token|secret|auth|credential|api[_-]?key|private[_-]?key|cookie");

    private Redaction() {}

    public static boolean isSecretKey(String key) {
        return key != null && SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /** A copy of {@code detail} with secret-looking keys masked, at any depth; {@code null} stays {@code null}. */
    public static Map<String, Object> redact(Map<String, ?> detail) {
        if (detail == null) return null;
        Map<String, Object> out = new LinkedHashMap<>();
        detail.forEach((k, v) -> out.put(k, isSecretKey(k) && v != null ? MASK : redactAny(v)));
        return out;
    }

    /** Maps (at any depth, also inside lists) with secret-looking keys masked; other values as they are. */
    public static Object redactAny(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return redact(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object o : list) copy.add(redactAny(o));
            return copy;
        }
        return value;
    }

    /** The failure with its detail redacted, ready for a writer. */
    public static FailureInfo redact(FailureInfo f) {
        if (f == null || f.detail() == null) return f;
        return new FailureInfo(f.host(), f.task(), f.location(), f.step(), f.code(), f.cause(), redact(f.detail()));
    }
}
