package dev.jplay.engine.playbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's one-line module arguments. {@code copy: src=a dest="b c"} becomes {src: a, dest: "b c"};
 * {@code command: chdir=/tmp ls -l} becomes {_raw_params: "ls -l", chdir: /tmp}: for free-form modules only
 * their documented options are lifted out of the command line, everything else stays in {@code _raw_params}.
 * Words are split on blanks outside quotes and outside {@code {{ }}} / {@code {% %}}, as Ansible's split_args.
 */
final class FreeFormArgs {
    /** Options Ansible's command/shell accept inline (ansible.parsing.splitter's check_raw keys). */
    private static final Set<String> INLINE_COMMAND_OPTIONS = Set.of(
            "creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends");

    private FreeFormArgs() {}

    /** Arguments of a free-form module (command, shell...). */
    static Map<String, Object> freeForm(String text) {
        List<String> words = split(text);
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (String word : words) {
            int eq = keyEnd(word);
            String key = eq < 0 ? null : word.substring(0, eq);
            if (key != null && INLINE_COMMAND_OPTIONS.contains(key)) {
                out.put(key, unquote(word.substring(eq + 1)));
            } else {
                rest.add(word);
            }
        }
        // Without lifted options the command line is kept byte for byte.
        String raw = rest.size() == words.size() ? text.strip() : String.join(" ", rest);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(PlaybookParser.RAW_PARAMS, raw);
        args.putAll(out);
        return args;
    }

    /**
     * {@code key=value} words of a non-free-form module.
     *
     * @throws IllegalArgumentException naming the first word that is not key=value
     */
    static Map<String, Object> keyValues(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String word : split(text)) {
            int eq = keyEnd(word);
            if (eq < 0) throw new IllegalArgumentException(word);
            out.put(word.substring(0, eq), unquote(word.substring(eq + 1)));
        }
        return out;
    }

    /** Index of '=' when the word starts with an identifier followed by '=', else -1. */
    private static int keyEnd(String word) {
        int eq = word.indexOf('=');
        if (eq <= 0) return -1;
        if (!Character.isLetter(word.charAt(0)) && word.charAt(0) != '_') return -1;
        for (int i = 1; i < eq; i++) {
            char c = word.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '_') return -1;
        }
        return eq;
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
                String inner = value.substring(1, value.length() - 1);
                return first == '"' ? inner.replace("\\\"", "\"").replace("\\\\", "\\") : inner;
            }
        }
        return value;
    }

    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        int templateDepth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (quote != 0) {
                word.append(c);
                if (c == '\\' && quote == '"' && next != 0) {
                    word.append(next);
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '{' && (next == '{' || next == '%')) {
                templateDepth++;
                word.append(c).append(next);
                i++;
            } else if ((c == '}' || c == '%') && next == '}' && templateDepth > 0) {
                templateDepth--;
                word.append(c).append(next);
                i++;
            } else if (templateDepth == 0 && (c == '"' || c == '\'') ) {
                quote = c;
                word.append(c);
            } else if (templateDepth == 0 && Character.isWhitespace(c)) {
                if (word.length() > 0) words.add(word.toString());
                word.setLength(0);
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) words.add(word.toString());
        return words;
    }
}
