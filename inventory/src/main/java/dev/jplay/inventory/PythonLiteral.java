package dev.jplay.inventory;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of an INI inventory variable, as Ansible computes it with Python's {@code ast.literal_eval}:
 * {@code 1} → integer, {@code 1.5} → double, {@code True} → boolean, {@code None} → null, {@code 'a'} →
 * string, {@code [1, 'x']} → list, {@code {'a': 1}} → map; anything else (e.g. {@code yes}, {@code 0755},
 * {@code two words}) stays the raw string. Tuples and sets become lists. Complex numbers and bytes are kept
 * as raw strings.
 */
final class PythonLiteral {
    private final String text;
    private int pos;

    private PythonLiteral(String text) {
        this.text = text;
    }

    static Object eval(String value) {
        PythonLiteral parser = new PythonLiteral(value);
        try {
            // literal_eval strips leading spaces and tabs only.
            while (parser.pos < value.length() && (value.charAt(parser.pos) == ' ' || value.charAt(parser.pos) == '\t')) {
                parser.pos++;
            }
            Object result = parser.expression();
            parser.skipSpace(false);
            if (parser.pos != value.length()) return value;
            return result;
        } catch (NotALiteral e) {
            return value;
        }
    }

    /** Thrown when the text is not a Python literal; cheap, as it carries no stack trace. */
    private static final class NotALiteral extends RuntimeException {
        NotALiteral() {
            super(null, null, false, false);
        }
    }

    private static final NotALiteral NOT_A_LITERAL = new NotALiteral();

    private Object expression() {
        skipSpace(true);
        if (peek() == '+' || peek() == '-') {
            boolean negative = text.charAt(pos++) == '-';
            skipSpace(true);
            Object operand = atom(); // one sign only, and not on True/False: literal_eval rejects both
            if (!(operand instanceof Number n)) throw NOT_A_LITERAL;
            if (!negative) return n;
            if (n instanceof Double d) return -d;
            return normalize(toBig(n).negate());
        }
        return atom();
    }

    private Object atom() {
        skipSpace(true);
        char c = peek();
        if (c == '[') return sequence('[', ']');
        if (c == '(') {
            int save = pos;
            pos++;
            skipSpace(true);
            if (peek() == ')') { pos++; return List.of(); }
            Object first = expression();
            skipSpace(true);
            if (peek() == ')') { pos++; return first; } // parenthesised value, not a tuple
            pos = save;
            return sequence('(', ')');
        }
        if (c == '{') return mapOrSet();
        if (c == '"' || c == '\'') return strings(false);
        if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
            String word = text.substring(start, pos);
            switch (word) {
                case "True": return Boolean.TRUE;
                case "False": return Boolean.FALSE;
                case "None": return null;
                case "r": case "R": case "u": case "U":
                    if (peek() == '"' || peek() == '\'') return strings(!word.equalsIgnoreCase("u"));
                    throw NOT_A_LITERAL;
                default: throw NOT_A_LITERAL;
            }
        }
        throw NOT_A_LITERAL;
    }

    private List<Object> sequence(char open, char close) {
        pos++; // open
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace(true);
            if (peek() == close) { pos++; return items; }
            items.add(expression());
            skipSpace(true);
            if (peek() == ',') pos++;
            else if (peek() == close) { pos++; return items; }
            else throw NOT_A_LITERAL;
        }
    }

    private Object mapOrSet() {
        pos++; // {
        Map<Object, Object> map = new LinkedHashMap<>();
        List<Object> set = null;
        while (true) {
            skipSpace(true);
            if (peek() == '}') { pos++; return set != null ? set : map; }
            Object key = expression();
            skipSpace(true);
            if (peek() == ':' && set == null) {
                pos++;
                map.put(key, expression());
            } else if (map.isEmpty()) {
                if (set == null) set = new ArrayList<>();
                if (!set.contains(key)) set.add(key);
            } else {
                throw NOT_A_LITERAL;
            }
            skipSpace(true);
            if (peek() == ',') pos++;
            else if (peek() != '}') throw NOT_A_LITERAL;
        }
    }

    private String strings(boolean raw) {
        StringBuilder out = new StringBuilder();
        do {
            out.append(string(raw));
            skipSpace(true);
            raw = false;
            if (pos < text.length() - 1 && "rRuU".indexOf(peek()) >= 0 && (text.charAt(pos + 1) == '"' || text.charAt(pos + 1) == '\'')) {
                raw = peek() == 'r' || peek() == 'R';
                pos++;
            }
        } while (peek() == '"' || peek() == '\'');
        return out.toString();
    }

    private String string(boolean raw) {
        char quote = text.charAt(pos);
        boolean triple = text.startsWith(String.valueOf(quote).repeat(3), pos);
        pos += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw NOT_A_LITERAL;
            char c = text.charAt(pos);
            if (c == quote && (!triple || text.startsWith(String.valueOf(quote).repeat(3), pos))) {
                pos += triple ? 3 : 1;
                return out.toString();
            }
            if (c == '\n' && !triple) throw NOT_A_LITERAL;
            if (c == '\\' && pos + 1 < text.length()) {
                if (raw) {
                    out.append(c).append(text.charAt(pos + 1));
                    pos += 2;
                    continue;
                }
                pos = escape(out, pos + 1);
                continue;
            }
            out.append(c);
            pos++;
        }
    }

    /** Appends the escape starting after a backslash at {@code i}; returns the position after it. */
    private int escape(StringBuilder out, int i) {
        char e = text.charAt(i);
        switch (e) {
            case '\n': return i + 1;
            case '\\': case '\'': case '"': out.append(e); return i + 1;
            case 'n': out.append('\n'); return i + 1;
            case 't': out.append('\t'); return i + 1;
            case 'r': out.append('\r'); return i + 1;
            case 'a': out.append('\u0007'); return i + 1;
            case 'b': out.append('\b'); return i + 1;
            case 'f': out.append('\f'); return i + 1;
            case 'v': out.append('\u000b'); return i + 1;
            case 'x': return hexEscape(out, i + 1, 2);
            case 'u': return hexEscape(out, i + 1, 4);
            case 'U': return hexEscape(out, i + 1, 8);
            default:
                if (e >= '0' && e <= '7') {
                    int end = i;
                    while (end < text.length() && end < i + 3 && text.charAt(end) >= '0' && text.charAt(end) <= '7') end++;
                    out.appendCodePoint(Integer.parseInt(text.substring(i, end), 8));
                    return end;
                }
                out.append('\\').append(e); // Python keeps unknown escapes as written
                return i + 1;
        }
    }

    private int hexEscape(StringBuilder out, int i, int digits) {
        if (i + digits > text.length()) throw NOT_A_LITERAL;
        try {
            out.appendCodePoint(Integer.parseUnsignedInt(text.substring(i, i + digits), 16));
        } catch (IllegalArgumentException e) {
            throw NOT_A_LITERAL;
        }
        return i + digits;
    }

    private Number number() {
        int start = pos;
        if (peek() == '0' && pos + 1 < text.length() && "xXoObB".indexOf(text.charAt(pos + 1)) >= 0) {
            char kind = Character.toLowerCase(text.charAt(pos + 1));
            int radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
            pos += 2;
            int digitsStart = pos;
            while (pos < text.length() && (Character.digit(text.charAt(pos), radix) >= 0 || text.charAt(pos) == '_')) pos++;
            String digits = text.substring(digitsStart, pos);
            checkUnderscores(digits, true);
            endOfNumber();
            return normalize(new BigInteger(digits.replace("_", ""), radix));
        }
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
        boolean isFloat = false;
        if (peek() == '.') {
            isFloat = true;
            pos++;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            int save = pos;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            int expStart = pos;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
            if (pos == expStart) pos = save;
            else isFloat = true;
        }
        String literal = text.substring(start, pos);
        endOfNumber();
        if (isFloat) {
            for (String part : literal.split("[.eE+-]", -1)) if (!part.isEmpty()) checkUnderscores(part, false);
            return Double.valueOf(literal.replace("_", ""));
        }
        checkUnderscores(literal, false);
        String digits = literal.replace("_", "");
        // Python 3 rejects leading zeros in a non-zero decimal integer ("0755" is a SyntaxError).
        if (digits.length() > 1 && digits.charAt(0) == '0' && !digits.chars().allMatch(ch -> ch == '0')) throw NOT_A_LITERAL;
        return normalize(new BigInteger(digits));
    }

    private void endOfNumber() {
        // "1j" is complex and "1abc" is no literal at all.
        if (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) throw NOT_A_LITERAL;
    }

    private static void checkUnderscores(String digits, boolean afterPrefix) {
        if (digits.isEmpty()) throw NOT_A_LITERAL;
        if (digits.endsWith("_") || digits.contains("__") || (!afterPrefix && digits.startsWith("_"))) throw NOT_A_LITERAL;
    }

    private static BigInteger toBig(Number n) {
        return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
    }

    private static Number normalize(BigInteger value) {
        if (value.bitLength() < 32) return value.intValue();
        if (value.bitLength() < 64) return value.longValue();
        return value;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    /** Skips blanks and "# comments"; newlines only inside brackets, where Python allows them. */
    private void skipSpace(boolean newlines) {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\f' || (newlines && (c == '\n' || c == '\r'))) pos++;
            else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') pos++;
            } else break;
        }
    }
}
