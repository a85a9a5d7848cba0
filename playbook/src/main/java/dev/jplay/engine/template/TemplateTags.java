package dev.jplay.engine.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Finds the {@code {{ ... }}} tags of a template the way Jinja reads them: a {@code }}} inside a quoted string or
 * inside brackets ({@code {{ {'a': {'b': 1}} }}}) does not end the tag. Mustache's own tags ({@code #}, {@code ^},
 * {@code /}, {@code !}, {@code &}, {@code >}, {@code =}, triple {@code {{{}) and plain variable paths stay as they
 * are; any other tag holds an expression, which {@link #rewrite} hides from mustache.java's parser as an encoded
 * name ({@link #expression} decodes it) so that the expression can hold any character.
 */
final class TemplateTags {
    /** Starts an encoded expression's name: never a variable path, and kept by mustache.java's trimming of names. */
    private static final String MARK = "@jx:";

    private TemplateTags() {}

    record Tag(int start, int end, String content) {}

    /** The tags of {@code template}, in order. */
    static List<Tag> scan(String template) {
        List<Tag> tags = new ArrayList<>();
        int i = 0;
        while (true) {
            int open = template.indexOf("{{", i);
            if (open < 0) return tags;
            if (open + 2 < template.length() && template.charAt(open + 2) == '{') {
                int close = template.indexOf("}}}", open);
                if (close < 0) return tags;
                i = close + 3;
                continue;
            }
            int close = close(template, open + 2);
            if (close < 0) return tags;
            tags.add(new Tag(open, close + 2, template.substring(open + 2, close).strip()));
            i = close + 2;
        }
    }

    /** Index of the {@code }}} closing a tag whose content starts at {@code from}, or -1. */
    private static int close(String s, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (c == '}') {
                if (depth > 0) depth--;
                else if (i + 1 < s.length() && s.charAt(i + 1) == '}') return i;
            }
        }
        return -1;
    }

    /** True when a tag's content is an expression rather than mustache syntax or a variable path. */
    static boolean isExpression(String content) {
        if (content.isEmpty() || content.equals(".")) return false;
        if ("#^/!&>=".indexOf(content.charAt(0)) >= 0) return false; // triple {{{ }}} never reaches here
        return VarPath.parse(content) == null;
    }

    /** The template with every expression tag's content encoded; the same instance when there is none. */
    static String rewrite(String template) {
        List<Tag> tags = scan(template);
        if (tags.stream().noneMatch(t -> isExpression(t.content()))) return template;
        StringBuilder out = new StringBuilder(template.length() + 16);
        int at = 0;
        for (Tag t : tags) {
            if (!isExpression(t.content())) continue;
            out.append(template, at, t.start()).append("{{").append(MARK)
                    .append(Base64.getUrlEncoder().withoutPadding()
                            .encodeToString(t.content().getBytes(StandardCharsets.UTF_8)))
                    .append("}}");
            at = t.end();
        }
        return out.append(template, at, template.length()).toString();
    }

    /** The expression an encoded tag name holds, or null when {@code name} is not one. */
    static String expression(String name) {
        if (!name.startsWith(MARK)) return null;
        return new String(Base64.getUrlDecoder().decode(name.substring(MARK.length())), StandardCharsets.UTF_8);
    }
}
