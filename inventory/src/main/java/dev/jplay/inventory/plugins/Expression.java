package dev.jplay.inventory.plugins;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The small, side-effect-free expression language of {@code jplay.constructed}: a subset of Jinja's
 * expressions, enough for conditions and computed variables, and nothing that runs code.
 * <pre>
 * expr    := or
 * or      := and ('or' and)*
 * and     := not ('and' not)*
 * not     := 'not' not | test
 * test    := concat [ ('=='|'!='|'&lt;'|'&lt;='|'&gt;'|'&gt;=') concat
 *                   | ['not'] 'in' concat
 *                   | 'is' ['not'] ('defined'|'undefined'|'none') ]
 * concat  := primary ('~' primary)*                      -- string concatenation
 * primary := 'string' | "string" | NUMBER | true | false | none  (also True/False/None)
 *          | '[' [expr (',' expr)*] ']' | '(' expr ')'
 *          | NAME ('.' NAME | '[' expr ']')*              -- variable, map key, list index
 * </pre>
 * {@code in} tests membership in a list, a key of a map, or a substring. {@code and/or/not} use Jinja truthiness
 * (none, false, 0, "" and empty collections are false). Reading an undefined variable, key or index throws
 * {@link Undefined} (except under {@code is defined}); malformed text throws {@link IllegalArgumentException}.
 * Parsed once, thread-safe.
 */
public final class Expression {
    /** A variable, key or index that does not exist. */
    public static final class Undefined extends RuntimeException {
        Undefined(String what) {
            super(what + " is undefined");
        }
    }

    private interface Node {
        Object eval(Map<String, Object> vars);
    }

    private final String text;
    private final Node root;

    private Expression(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    public static Expression parse(String text) {
        Parser p = new Parser(text);
        Node root = p.or();
        if (p.peek() != null) throw p.bad("unexpected '" + p.peek() + "'");
        return new Expression(text, root);
    }

    public Object evaluate(Map<String, Object> vars) {
        return root.eval(vars);
    }

    /** The value as a condition, with Jinja truthiness. */
    public boolean test(Map<String, Object> vars) {
        return truthy(evaluate(vars));
    }

    @Override
    public String toString() {
        return text;
    }

    static boolean truthy(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return number(n).signum() != 0;
        if (v instanceof CharSequence s) return s.length() > 0;
        if (v instanceof Collection<?> c) return !c.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    private static BigDecimal number(Number n) {
        return n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y && !(a instanceof Boolean) && !(b instanceof Boolean)) {
            return number(x).compareTo(number(y)) == 0;
        }
        return Objects.equals(a, b);
    }

    private static int compare(Object a, Object b, String op) {
        if (a instanceof Number x && b instanceof Number y) return number(x).compareTo(number(y));
        if (a instanceof String x && b instanceof String y) return x.compareTo(y);
        throw new IllegalArgumentException("cannot compare " + show(a) + " " + op + " " + show(b));
    }

    private static boolean contains(Object container, Object item) {
        if (container instanceof Collection<?> c) return c.stream().anyMatch(e -> equal(e, item));
        if (container instanceof Map<?, ?> m) return m.containsKey(item);
        if (container instanceof String s && item != null) return s.contains(String.valueOf(item));
        throw new IllegalArgumentException("'in' needs a list, a mapping or a string, got " + show(container));
    }

    private static String show(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    private static String text(Object v) {
        if (v == null) return "";
        if (v instanceof Boolean b) return b ? "True" : "False";
        return String.valueOf(v);
    }

    /** Recursive descent over a token list. */
    private static final class Parser {
        private final String text;
        private final List<String> tokens;
        private int pos;

        Parser(String text) {
            this.text = text;
            this.tokens = tokenize(text);
        }

        String peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        boolean accept(String token) {
            if (token.equals(peek())) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(String token) {
            if (!accept(token)) throw bad("expected '" + token + "'" + (peek() == null ? " at the end" : " before '" + peek() + "'"));
        }

        IllegalArgumentException bad(String why) {
            return new IllegalArgumentException("invalid expression \"" + text + "\": " + why);
        }

        Node or() {
            Node left = and();
            while (accept("or")) {
                Node l = left, r = and();
                left = v -> truthy(l.eval(v)) || truthy(r.eval(v));
            }
            return left;
        }

        Node and() {
            Node left = not();
            while (accept("and")) {
                Node l = left, r = not();
                left = v -> truthy(l.eval(v)) && truthy(r.eval(v));
            }
            return left;
        }

        Node not() {
            if (accept("not")) {
                Node inner = not();
                return v -> !truthy(inner.eval(v));
            }
            return test();
        }

        Node test() {
            Node left = concat();
            String op = peek();
            if (op == null) return left;
            switch (op) {
                case "==", "!=", "<", "<=", ">", ">=" -> {
                    pos++;
                    Node right = concat();
                    return v -> {
                        Object a = left.eval(v), b = right.eval(v);
                        return switch (op) {
                            case "==" -> equal(a, b);
                            case "!=" -> !equal(a, b);
                            case "<" -> compare(a, b, op) < 0;
                            case "<=" -> compare(a, b, op) <= 0;
                            case ">" -> compare(a, b, op) > 0;
                            default -> compare(a, b, op) >= 0;
                        };
                    };
                }
                case "in" -> {
                    pos++;
                    Node right = concat();
                    return v -> contains(right.eval(v), left.eval(v));
                }
                case "not" -> {
                    if (pos + 1 < tokens.size() && tokens.get(pos + 1).equals("in")) {
                        pos += 2;
                        Node right = concat();
                        return v -> !contains(right.eval(v), left.eval(v));
                    }
                    return left;
                }
                case "is" -> {
                    pos++;
                    boolean negate = accept("not");
                    String name = peek();
                    if (name == null) throw bad("expected a test after 'is'");
                    pos++;
                    Node check = switch (name) {
                        case "defined" -> v -> isDefined(left, v);
                        case "undefined" -> v -> !isDefined(left, v);
                        case "none" -> v -> left.eval(v) == null;
                        default -> throw bad("unknown test '" + name + "' (known: defined, undefined, none)");
                    };
                    return negate ? v -> !(Boolean) check.eval(v) : check;
                }
                default -> {
                    return left;
                }
            }
        }

        private static boolean isDefined(Node node, Map<String, Object> vars) {
            try {
                node.eval(vars);
                return true;
            } catch (Undefined e) {
                return false;
            }
        }

        Node concat() {
            Node left = primary();
            while (accept("~")) {
                Node l = left, r = primary();
                left = v -> text(l.eval(v)) + text(r.eval(v));
            }
            return left;
        }

        Node primary() {
            String t = peek();
            if (t == null) throw bad("unexpected end");
            pos++;
            char c = t.charAt(0);
            if (c == '\'' || c == '"') {
                String s = t.substring(1);
                return v -> s;
            }
            if (Character.isDigit(c) || (c == '-' && t.length() > 1)) {
                Object n = t.contains(".") ? (Object) new BigDecimal(t) : (Object) Long.valueOf(t);
                return v -> n;
            }
            if (t.equals("(")) {
                Node inner = or();
                expect(")");
                return inner;
            }
            if (t.equals("[")) {
                List<Node> items = new ArrayList<>();
                if (!accept("]")) {
                    do items.add(or()); while (accept(","));
                    expect("]");
                }
                return v -> {
                    List<Object> out = new ArrayList<>();
                    for (Node n : items) out.add(n.eval(v));
                    return out;
                };
            }
            switch (t) {
                case "true", "True" -> { return v -> Boolean.TRUE; }
                case "false", "False" -> { return v -> Boolean.FALSE; }
                case "none", "None", "null" -> { return v -> null; }
                default -> { }
            }
            if (!Character.isLetter(c) && c != '_') throw bad("unexpected '" + t + "'");
            String name = t;
            Node node = v -> {
                if (!v.containsKey(name)) throw new Undefined("variable '" + name + "'");
                return v.get(name);
            };
            while (true) {
                if (accept(".")) {
                    String key = peek();
                    if (key == null || !Character.isLetter(key.charAt(0)) && key.charAt(0) != '_') throw bad("expected a name after '.'");
                    pos++;
                    node = member(node, v -> key);
                } else if (accept("[")) {
                    Node index = or();
                    expect("]");
                    node = member(node, index);
                } else {
                    return node;
                }
            }
        }

        private static Node member(Node target, Node key) {
            return v -> {
                Object container = target.eval(v);
                Object k = key.eval(v);
                if (container instanceof Map<?, ?> m) {
                    if (!m.containsKey(k)) throw new Undefined("key " + show(k));
                    return m.get(k);
                }
                if (container instanceof List<?> l && k instanceof Number n) {
                    int i = n.intValue();
                    if (i < 0) i += l.size();
                    if (i < 0 || i >= l.size()) throw new Undefined("index " + n);
                    return l.get(i);
                }
                throw new Undefined("key " + show(k) + " of " + show(container));
            };
        }

        /** Strings become a token starting with their quote, followed by the unescaped content. */
        private List<String> tokenize(String s) {
            List<String> out = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '\'' || c == '"') {
                    StringBuilder sb = new StringBuilder().append(c);
                    int j = i + 1;
                    while (true) {
                        if (j >= s.length()) throw bad("unterminated string");
                        char d = s.charAt(j++);
                        if (d == c) break;
                        if (d == '\\' && j < s.length()) d = s.charAt(j++);
                        sb.append(d);
                    }
                    out.add(sb.toString());
                    i = j;
                } else if (Character.isDigit(c) || (c == '-' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                    int j = i + 1;
                    while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) j++;
                    out.add(s.substring(i, j));
                    i = j;
                } else if (Character.isLetter(c) || c == '_') {
                    int j = i + 1;
                    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                    out.add(s.substring(i, j));
                    i = j;
                } else if (i + 1 < s.length() && List.of("==", "!=", "<=", ">=").contains(s.substring(i, i + 2))) {
                    out.add(s.substring(i, i + 2));
                    i += 2;
                } else if ("<>~()[],.".indexOf(c) >= 0) {
                    out.add(String.valueOf(c));
                    i++;
                } else {
                    throw bad("unexpected character '" + c + "'");
                }
            }
            return out;
        }
    }
}
