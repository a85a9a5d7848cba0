package dev.jplay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code -e} values like ansible-playbook: {@code k=v k2='a b'}, a JSON object {@code {"k":1}}, or
 * {@code @file} (YAML or JSON). Later {@code -e} options override earlier ones.
 */
public final class ExtraVars {
    private ExtraVars() {}

    public static Map<String, Object> parse(List<String> values, java.util.function.Function<Path, Map<String, Object>> yamlFileLoader) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String v : values) {
            String s = v.strip();
            if (s.startsWith("@")) {
                Path file = Path.of(s.substring(1));
                if (!Files.isRegularFile(file)) throw new IllegalArgumentException("-e " + v + ": no such file " + file);
                out.putAll(yamlFileLoader.apply(file));
            } else if (s.startsWith("{")) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = new ObjectMapper().readValue(s, LinkedHashMap.class);
                    out.putAll(m);
                } catch (IOException e) {
                    throw new IllegalArgumentException("-e " + v + ": not valid JSON: " + e.getMessage());
                }
            } else {
                out.putAll(parseKeyValues(s, "-e " + v));
            }
        }
        return out;
    }

    /** {@code a=1 b='x y' c="z"}: values stay strings; quotes group, backslash escapes in double quotes. */
    public static Map<String, Object> parseKeyValues(String s, String what) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String token : splitWords(s, what)) {
            int eq = token.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(what + ": expected key=value, got '" + token + "'");
            out.put(token.substring(0, eq), token.substring(eq + 1));
        }
        return out;
    }

    static List<String> splitWords(String s, String what) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"' && i + 1 < s.length()) cur.append(s.charAt(++i));
                else cur.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(cur.toString());
                cur.setLength(0);
                inWord = false;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException(what + ": unterminated " + quote + " quote");
        if (inWord) words.add(cur.toString());
        return words;
    }
}
