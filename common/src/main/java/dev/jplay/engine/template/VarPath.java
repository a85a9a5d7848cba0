package dev.jplay.engine.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A variable reference such as {@code result.stdout}, {@code item.0}, {@code hostvars['web1'].ip}: a name followed
 * by keys into mappings and indexes into lists. Resolution is strict: a missing key is an error, never null.
 */
record VarPath(String text, List<Object> segments) {
    /** Thrown when a path does not resolve; {@code undefinedPart} is the prefix that is missing. */
    static final class Undefined extends RuntimeException {
        final String path;
        final String undefinedPart;

        Undefined(String path, String undefinedPart, String why) {
            super(why, null, false, false);
            this.path = path;
            this.undefinedPart = undefinedPart;
        }
    }

    String root() {
        return (String) segments.get(0);
    }

    /** Parses a path, or returns null if {@code text} is not one (e.g. it is an expression). */
    static VarPath parse(String text) {
        String s = text.strip();
        List<Object> segments = new ArrayList<>();
        int i = 0;
        int n = s.length();
        int start = i;
        while (i < n && isNameChar(s.charAt(i), i == start)) i++;
        if (i == start) return null;
        segments.add(s.substring(start, i));
        while (i < n) {
            char c = s.charAt(i);
            if (c == '.') {
                start = ++i;
                while (i < n && (isNameChar(s.charAt(i), false))) i++;
                if (i == start) return null;
                String key = s.substring(start, i);
                segments.add(key.chars().allMatch(Character::isDigit) ? (Object) Integer.valueOf(key) : key);
            } else if (c == '[') {
                int close = s.indexOf(']', i);
                if (close < 0) return null;
                String inner = s.substring(i + 1, close).strip();
                if (inner.length() >= 2 && (inner.charAt(0) == '\'' || inner.charAt(0) == '"')
                        && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
                    segments.add(inner.substring(1, inner.length() - 1));
                } else if (!inner.isEmpty() && inner.chars().allMatch(Character::isDigit)) {
                    segments.add(Integer.valueOf(inner));
                } else {
                    return null;
                }
                i = close + 1;
            } else {
                return null;
            }
        }
        return new VarPath(s, segments);
    }

    private static boolean isNameChar(char c, boolean first) {
        return Character.isLetter(c) || c == '_' || (!first && Character.isDigit(c));
    }

    /** Walks the segments after the root from {@code base}, passing each value met through {@code step}. */
    Object walk(Object base, java.util.function.UnaryOperator<Object> step) {
        Object current = step.apply(base);
        StringBuilder walked = new StringBuilder(root());
        for (int i = 1; i < segments.size(); i++) {
            Object seg = segments.get(i);
            String before = walked.toString();
            walked.append(seg instanceof Integer ? "[" + seg + "]" : "." + seg);
            if (current instanceof Map<?, ?> map) {
                Object key = seg instanceof Integer ? seg.toString() : seg;
                Object value = map.get(key);
                if (value == null && !map.containsKey(key)) {
                    throw new Undefined(text, walked.toString(), "'" + before + "' has no key '" + key + "'");
                }
                current = step.apply(value);
            } else if (current instanceof List<?> list && seg instanceof Integer index) {
                if (index >= list.size()) {
                    throw new Undefined(text, walked.toString(), "'" + before + "' has only " + list.size() + " items");
                }
                current = step.apply(list.get(index));
            } else {
                throw new Undefined(text, walked.toString(), "'" + before + "' is "
                        + dev.jplay.engine.yaml.YamlNode.describe(current) + ", it has no '" + seg + "'");
            }
        }
        return current;
    }
}
