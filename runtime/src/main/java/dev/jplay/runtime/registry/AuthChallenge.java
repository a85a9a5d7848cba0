package dev.jplay.runtime.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A parsed {@code WWW-Authenticate} header: scheme ({@code basic}/{@code bearer}) and its parameters. */
public record AuthChallenge(String scheme, Map<String, String> params) {

    public static Optional<AuthChallenge> parse(String header) {
        if (header == null || header.isBlank()) return Optional.empty();
        String trimmed = header.trim();
        int space = trimmed.indexOf(' ');
        String scheme = (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        if (space > 0) parseParams(trimmed.substring(space + 1), params);
        return Optional.of(new AuthChallenge(scheme, Map.copyOf(params)));
    }

    /** {@code key="quoted, value",key2=token}; quoted values may contain commas (scopes do). */
    private static void parseParams(String text, Map<String, String> out) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ',' || text.charAt(i) == ' ')) i++;
            int eq = text.indexOf('=', i);
            if (eq < 0) return;
            String key = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < n) i++;
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < n && text.charAt(i) != ',') value.append(text.charAt(i++));
            }
            out.put(key, value.toString().trim());
        }
    }

    public String param(String name) {
        return params.get(name);
    }
}
