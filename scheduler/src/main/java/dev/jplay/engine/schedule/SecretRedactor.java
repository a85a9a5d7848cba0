package dev.jplay.engine.schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of what leaves the controller. A variable whose name looks secret (password, token,
 * api_key, private_key, credentials, ...) has its value replaced, nested ones too, and every such value
 * is also cut out of free text (error messages) wherever it appears.
 */
public final class SecretRedactor {
    public static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(pass(word|wd|phrase)?|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credential|auth|cookie|session|signature|vault)"
            + ".*|(?i)(.*[-_])?key");
    private static final int MIN_SCRUB_LENGTH = 4;

    private final Set<String> secretValues = new TreeSet<>((a, b) -> b.length() != a.length() ? b.length() - a.length() : a.compareTo(b));

    public SecretRedactor(Map<String, Object> vars) {
        collect(vars, false);
    }

    public static boolean looksSecret(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    private void collect(Object value, boolean secret) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> collect(v, secret || looksSecret(String.valueOf(k))));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collect(v, secret));
        } else if (secret && value != null) {
            String s = String.valueOf(value);
            if (s.length() >= MIN_SCRUB_LENGTH) secretValues.add(s);
        }
    }

    /** A copy of {@code vars} with the values of secret-looking names replaced. */
    public Map<String, Object> redact(Map<String, Object> vars) {
        Map<String, Object> out = new LinkedHashMap<>();
        vars.forEach((k, v) -> out.put(k, looksSecret(k) ? REDACTED : redactValue(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private Object redactValue(Object v) {
        if (v instanceof Map<?, ?> m) return redact((Map<String, Object>) m);
        if (v instanceof List<?> l) return l.stream().map(this::redactValue).toList();
        if (v instanceof String s) return scrub(s);
        return v;
    }

    /** {@code text} with every known secret value cut out. */
    public String scrub(String text) {
        if (text == null) return null;
        String out = text;
        for (String secret : secretValues) out = out.replace(secret, REDACTED);
        return out;
    }
}
