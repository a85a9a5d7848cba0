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

    /**
     * The outcome with every occurrence of a secret value (a decrypted vault value, a private prompt's answer)
     * masked in what it shows: output, message, item, diff and failure. For the run's files; the terminal shows
     * what the task printed, as Ansible does.
     */
    public static TaskOutcome maskValues(TaskOutcome o, java.util.Collection<String> secrets) {
        if (o == null || secrets.isEmpty()) return o;
        FailureInfo e = o.error();
        if (e != null) {
            e = new FailureInfo(e.host(), e.task(), e.location(), e.step(), e.code(), mask(e.cause(), secrets),
                    castMap(maskAny(e.detail(), secrets)));
        }
        return new TaskOutcome(o.host(), o.play(), mask(o.task(), secrets), o.module(), o.location(), o.status(), o.changed(),
                o.ignored(), maskAny(o.item(), secrets), o.rc(), mask(o.stdout(), secrets), mask(o.stderr(), secrets),
                mask(o.msg(), secrets), castMap(maskAny(o.diff(), secrets)), o.started(), o.durationMs(), e, o.container(),
                o.delegatedTo());
    }

    /** {@code text} with each secret value replaced by {@link #MASK}. */
    public static String mask(String text, java.util.Collection<String> secrets) {
        if (text == null) return null;
        String out = text;
        for (String s : secrets) if (!s.isEmpty() && out.contains(s)) out = out.replace(s, MASK);
        return out;
    }

    private static Object maskAny(Object value, java.util.Collection<String> secrets) {
        if (value instanceof String s) return mask(s, secrets);
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), maskAny(v, secrets)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object o : list) copy.add(maskAny(o, secrets));
            return copy;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
