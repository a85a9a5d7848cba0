package dev.jplay.engine.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates an Ansible (Jinja) condition into JEXL, token by token (string literals keep their text, as Ansible
 * reads them in a playbook, and are written again as the JEXL literal of that text):
 *
 * <ul>
 *   <li>{@code P is [not] defined|undefined} → {@code [!]jp:defined('P')}: P must be a variable path; the test
 *       looks it up without evaluating it, so an undefined P is not an error there.
 *   <li>{@code X is [not] failed|changed|succeeded|skipped|none|string|number|mapping|sequence|boolean}
 *       (and Ansible's aliases failure, change, success, successful, skip, iterable) → {@code [!]jp:failed(X)}.
 *   <li>{@code A in B} → {@code A =~ B} and {@code A not in B} → {@code A !~ B} (JEXL's membership operators;
 *       substring for strings, key for mappings, element for lists — see {@link ConditionArithmetic}).
 *   <li>Jinja precedence for {@code not}: it binds looser than comparisons ({@code not a == b} is
 *       {@code not (a == b)}), so {@code not X} becomes {@code !(X)} up to the next and/or at the same depth.
 *   <li>{@code A ~ B} (Jinja's string concatenation) → {@code jp:concat(A, B)}, left to right. Its operands are
 *       single values (names with keys and indexes, literals, parenthesized expressions): as in Jinja, {@code ~}
 *       binds tighter than comparisons; put arithmetic around it in parentheses.
 *   <li>{@code True/False/None} (any case Jinja accepts) → {@code true/false/null}.
 *   <li>A condition wrapped in {@code {{ }}} is unwrapped (Ansible accepts it with a warning).
 * </ul>
 *   <li>{@code X | f(args)} (a Jinja filter; {@code ansible.builtin.f} and {@code ansible.utils.f} too) →
 *       {@code jp:filter('f', X, args)}; a keyword argument {@code k=v} → {@code jp:kw('k', v)}. X is the postfix
 *       operand on the left (a filter binds tighter than any operator, as in Jinja: {@code names | length > 2}
 *       compares the length). {@code X | default(...)} reads X through {@code jp:attempt('X in JEXL')}, which
 *       gives {@link Filters#UNDEFINED} instead of failing where X is undefined. An unknown filter is an error.
 *   <li>{@code X is T(args)} for the value tests of {@link JinjaTests} ({@code match}, {@code search},
 *       {@code equalto}, {@code version}...) → {@code jp:test('T', X, args)}; {@code X is defined} where X is not
 *       a plain variable path ({@code hostvars[h].x}) → {@code jp:attemptDefined('X in JEXL')}.
 *   <li>{@code lookup(...)}, {@code query(...)}/{@code q(...)}, {@code range(...)} → {@code jp:lookup(...)},
 *       {@code jp:query(...)}, {@code jp:range(...)}.
 *   <li>{@code A if C else B} (Jinja's conditional expression, the loosest operator) → {@code (C) ? (A) : (B)}.
 * </ul>
 */
final class ConditionTranslator {
    static final Map<String, String> TESTS = Map.ofEntries(
            Map.entry("defined", "defined"), Map.entry("undefined", "undefined"),
            Map.entry("failed", "failed"), Map.entry("failure", "failed"),
            Map.entry("changed", "changed"), Map.entry("change", "changed"),
            Map.entry("succeeded", "succeeded"), Map.entry("success", "succeeded"),
            Map.entry("successful", "succeeded"),
            Map.entry("skipped", "skipped"), Map.entry("skip", "skipped"),
            Map.entry("none", "none"), Map.entry("string", "string"), Map.entry("number", "number"),
            Map.entry("mapping", "mapping"), Map.entry("sequence", "sequence"), Map.entry("iterable", "sequence"),
            Map.entry("boolean", "bool"));

    private enum Kind { NAME, NUMBER, STRING, OP }

    private record Token(Kind kind, String text, boolean spaceBefore) {
        boolean is(String s) {
            return text.equals(s) && kind != Kind.STRING;
        }

        boolean isWord(String s) {
            return kind == Kind.NAME && text.equals(s);
        }
    }

    private ConditionTranslator() {}

    /** @throws IllegalArgumentException with a user-facing reason */
    static String translate(String condition) {
        String source = condition.strip();
        if (source.startsWith("{{") && source.endsWith("}}")) source = source.substring(2, source.length() - 2);
        List<Token> tokens = tokenize(source);
        tokens = globals(tokens);
        tokens = methods(tokens);
        tokens = conditionals(tokens);
        tokens = filters(tokens);
        return emit(afterFilters(tokens));
    }

    private static List<Token> afterFilters(List<Token> tokens) {
        tokens = tests(tokens);
        tokens = concatenations(tokens);
        tokens = literals(tokens);
        tokens = membership(tokens);
        return reserved(nots(tokens));
    }

    /** JEXL's reserved words, which Jinja allows as variable and key names ({@code empty}, {@code size}...). */
    private static final java.util.Set<String> JEXL_RESERVED = java.util.Set.of("empty", "size", "new", "var",
            "function", "return", "if", "else", "while", "for", "do", "break", "continue", "eq", "ne", "lt", "gt",
            "le", "ge", "div", "mod", "NaN", "let", "const", "switch", "case", "default", "try", "catch", "finally",
            "throw", "import", "instanceof", "typeof", "this", "def", "not", "and", "or", "true", "false", "null");

    /** A variable named like a JEXL word → {@code jp:named('name')}; a key → {@code ['name']}. */
    private static List<Token> reserved(List<Token> in) {
        List<Token> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Token t = in.get(i);
            boolean member = i > 0 && in.get(i - 1).is(".");
            boolean jinjaWord = !member && java.util.Set.of("not", "and", "or", "true", "false", "null").contains(t.text);
            if (t.kind != Kind.NAME || !JEXL_RESERVED.contains(t.text) || jinjaWord) {
                out.add(t);
            } else if (member) {
                out.set(out.size() - 1, new Token(Kind.OP, "[", false));
                out.add(quoted(t.text));
                out.add(new Token(Kind.OP, "]", false));
            } else {
                out.add(new Token(Kind.OP, "jp:named(", t.spaceBefore));
                out.add(quoted(t.text));
                out.add(new Token(Kind.OP, ")", false));
            }
        }
        return out;
    }

    private static String emit(List<Token> tokens) {
        StringBuilder out = new StringBuilder();
        for (Token t : tokens) {
            if (t.spaceBefore && out.length() > 0) out.append(' ');
            out.append(t.text);
        }
        return out.toString();
    }

    /**
     * A JEXL string literal holding {@code text}: JEXL unescapes {@code \\}, {@code \'}, {@code \n}, {@code \t},
     * {@code \r} and {@code \\uXXXX}, and refuses a raw line break inside quotes.
     */
    private static Token quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return new Token(Kind.STRING, out.append('\'').toString(), false);
    }

    /**
     * The text of a Jinja string literal (quotes included) as Ansible reads it in a playbook: as written, backslashes
     * kept. Jinja itself would read Python's escapes, but Ansible doubles every backslash inside an expression's string
     * literals first (its {@code _escape_backslashes}), so {@code regex_replace('(\\w+)', '\\1')} means what it says;
     * checked with ansible-playbook 2.14: {@code join('\\n')} joins with a backslash and an n, a raw line break
     * inside the quotes (YAML's {@code "\\n"}) with a line break.
     */
    static String literalText(String literal) {
        return literal.substring(1, literal.length() - 1).replace("\r\n", "\n");
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("in", "and", "or", "not", "is", "if",
            "else");
    private static final Map<String, String> GLOBALS = Map.of("lookup", "jp:lookup(", "query", "jp:query(",
            "q", "jp:query(", "range", "jp:range(");

    /** Jinja's global functions: {@code lookup('file', 'a', rstrip=false)} → {@code jp:lookup('file', 'a', jp:kw(...))}. */
    private static List<Token> globals(List<Token> in) {
        List<Token> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Token t = in.get(i);
            String call = t.kind == Kind.NAME ? GLOBALS.get(t.text) : null;
            boolean member = i > 0 && (in.get(i - 1).is(".") || in.get(i - 1).is("|"));
            if (call != null && !member && i + 1 < in.size() && in.get(i + 1).is("(")) {
                int close = matchingClose(in, i + 1);
                out.add(new Token(Kind.OP, call, t.spaceBefore));
                argumentArray(out, arguments(globals(new ArrayList<>(in.subList(i + 2, close)))));
                out.add(new Token(Kind.OP, ")", false));
                i = close;
            } else {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Python's string and dict methods Ansible playbooks call ({@code x.split(',')}, {@code d.get('k', 1)}):
     * {@code X.m(args)} → {@code jp:method('m', X, args)} for the methods of {@link PythonMethods}; JEXL's own
     * method calls stay refused by the sandbox.
     */
    private static List<Token> methods(List<Token> in) {
        List<Token> out = new ArrayList<>(in);
        for (int i = 1; i + 2 < out.size(); i++) {
            if (!out.get(i).is(".") || out.get(i + 1).kind != Kind.NAME || !out.get(i + 2).is("(")
                    || !PythonMethods.exists(out.get(i + 1).text)) {
                continue;
            }
            int start = operandStart(out, i - 1, "a method call");
            int close = matchingClose(out, i + 2);
            List<Token> call = new ArrayList<>();
            call.add(new Token(Kind.OP, "jp:method(", out.get(start).spaceBefore));
            call.add(quoted(out.get(i + 1).text));
            call.add(new Token(Kind.OP, ",", false));
            List<Token> target = new ArrayList<>(out.subList(start, i));
            target.set(0, new Token(target.get(0).kind, target.get(0).text, true));
            call.addAll(target);
            call.add(new Token(Kind.OP, ",", false));
            argumentArray(call, arguments(methods(new ArrayList<>(out.subList(i + 3, close)))));
            call.add(new Token(Kind.OP, ")", false));
            out.subList(start, close + 1).clear();
            out.addAll(start, call);
            i = start + call.size() - 1;
        }
        return out;
    }

    /**
     * {@code A if C else B} → {@code ((C) ? (A) : (B))}, in every bracket group: the loosest Jinja operator, so A
     * reaches back to the group's start (or a comma) and B forward to its end (or a comma).
     */
    private static List<Token> conditionals(List<Token> in) {
        List<Token> out = new ArrayList<>(in);
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).isWord("if") || i > 0 && out.get(i - 1).is(".")) continue;
            int start = i;
            int depth = 0;
            while (start > 0) {
                Token t = out.get(start - 1);
                if (t.is(")") || t.is("]") || t.is("}")) depth++;
                else if (opensParen(t) || t.is("[") || t.is("{")) {
                    if (depth == 0) break;
                    depth--;
                } else if (depth == 0 && (t.is(",") || t.is(":"))) break;
                start--;
            }
            int elseAt = -1;
            int end = i + 1;
            depth = 0;
            for (; end < out.size(); end++) {
                Token t = out.get(end);
                if (opensParen(t) || t.is("[") || t.is("{")) depth++;
                else if (t.is(")") || t.is("]") || t.is("}")) {
                    if (depth == 0) break;
                    depth--;
                } else if (depth == 0 && t.is(",")) break;
                else if (depth == 0 && elseAt < 0 && t.isWord("else")) elseAt = end;
            }
            if (start == i) throw new IllegalArgumentException("'if' needs a value on its left");
            List<Token> value = new ArrayList<>(out.subList(start, i));
            List<Token> condition = new ArrayList<>(out.subList(i + 1, elseAt < 0 ? end : elseAt));
            List<Token> otherwise = elseAt < 0 ? List.of(new Token(Kind.NAME, "null", true))
                    : new ArrayList<>(out.subList(elseAt + 1, end));
            if (condition.isEmpty()) throw new IllegalArgumentException("'if' needs a condition after it");
            if (otherwise.isEmpty()) throw new IllegalArgumentException("'else' needs a value after it");
            List<Token> replaced = new ArrayList<>();
            replaced.add(new Token(Kind.OP, "(", value.get(0).spaceBefore));
            replaced.add(new Token(Kind.OP, "(", false));
            replaced.addAll(condition);
            replaced.add(new Token(Kind.OP, ")", false));
            replaced.add(new Token(Kind.OP, "?", true));
            replaced.add(new Token(Kind.OP, "(", true));
            replaced.addAll(value);
            replaced.add(new Token(Kind.OP, ")", false));
            replaced.add(new Token(Kind.OP, ":", true));
            replaced.add(new Token(Kind.OP, "(", true));
            replaced.addAll(otherwise);
            replaced.add(new Token(Kind.OP, ")", false));
            replaced.add(new Token(Kind.OP, ")", false));
            out.subList(start, end).clear();
            out.addAll(start, replaced);
            i = start;
        }
        return out;
    }

    /** Rewrites {@code X | f(args)} as {@code jp:filter('f', X, args)}, left to right (chains nest). */
    private static List<Token> filters(List<Token> in) {
        List<Token> out = new ArrayList<>(in);
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).is("|")) continue;
            if (i == 0) throw new IllegalArgumentException("a filter ('|') needs a value on its left");
            int start = operandStart(out, i - 1, "a filter ('|')");
            int j = i + 1;
            if (j >= out.size() || out.get(j).kind != Kind.NAME) {
                throw new IllegalArgumentException("'|' must be followed by a filter name");
            }
            StringBuilder written = new StringBuilder(out.get(j).text);
            while (j + 2 < out.size() && out.get(j + 1).is(".") && out.get(j + 2).kind == Kind.NAME) {
                written.append('.').append(out.get(j + 2).text);
                j += 2;
            }
            String name = Filters.canonical(written.toString());
            if (name == null) throw new IllegalArgumentException("unknown filter '" + written + "'");
            int end = j;
            List<List<Token>> args = new ArrayList<>();
            if (j + 1 < out.size() && out.get(j + 1).is("(")) {
                end = matchingClose(out, j + 1);
                args = arguments(out.subList(j + 2, end));
            }
            List<Token> operand = new ArrayList<>(out.subList(start, i));
            List<Token> call = new ArrayList<>();
            call.add(new Token(Kind.OP, "jp:filter(", operand.get(0).spaceBefore));
            call.add(quoted(name));
            call.add(new Token(Kind.OP, ",", false));
            if (name.equals("default")) {
                call.add(new Token(Kind.OP, "jp:attempt(", true));
                call.add(quoted(emit(afterFilters(operand))));
                call.add(new Token(Kind.OP, ")", false));
            } else {
                operand.set(0, new Token(operand.get(0).kind, operand.get(0).text, true));
                call.addAll(operand);
            }
            call.add(new Token(Kind.OP, ",", false));
            argumentArray(call, args);
            call.add(new Token(Kind.OP, ")", false));
            out.subList(start, end + 1).clear();
            out.addAll(start, call);
            i = start + call.size() - 1;
        }
        return out;
    }

    /**
     * A call's arguments as one JEXL array literal {@code [a, b]}: a varargs Java method would receive a lone array
     * argument ({@code union(['x', 'y'])}) spread into its arguments.
     */
    private static void argumentArray(List<Token> call, List<List<Token>> args) {
        call.add(new Token(Kind.OP, "[", true));
        boolean first = true;
        for (List<Token> arg : args) {
            if (!first) call.add(new Token(Kind.OP, ",", false));
            first = false;
            call.addAll(arg);
        }
        call.add(new Token(Kind.OP, "]", false));
    }

    /** A call's arguments split at top-level commas, filters inside translated, {@code k=v} as {@code jp:kw('k', v)}. */
    private static List<List<Token>> arguments(List<Token> inside) {
        List<List<Token>> args = new ArrayList<>();
        int depth = 0;
        List<Token> current = new ArrayList<>();
        for (Token t : inside) {
            if (opensParen(t) || t.is("[") || t.is("{")) depth++;
            else if (t.is(")") || t.is("]") || t.is("}")) depth--;
            if (depth == 0 && t.is(",")) {
                args.add(current);
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        if (!current.isEmpty()) args.add(current);
        List<List<Token>> out = new ArrayList<>(args.size());
        for (List<Token> arg : args) {
            if (arg.isEmpty()) throw new IllegalArgumentException("empty argument in a filter call");
            List<Token> value = filters(arg);
            if (value.size() > 2 && value.get(0).kind == Kind.NAME && value.get(1).is("=")) {
                List<Token> kw = new ArrayList<>();
                kw.add(new Token(Kind.OP, "jp:kw(", true));
                kw.add(quoted(value.get(0).text));
                kw.add(new Token(Kind.OP, ",", false));
                kw.addAll(value.subList(2, value.size()));
                kw.add(new Token(Kind.OP, ")", false));
                value = kw;
            } else {
                value.set(0, new Token(value.get(0).kind, value.get(0).text, true));
            }
            out.add(value);
        }
        return out;
    }

    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        boolean space = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                i++;
                continue;
            }
            int start = i;
            Kind kind;
            if (c == '\'' || c == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != c) i += s.charAt(i) == '\\' ? 2 : 1;
                if (i >= s.length()) throw new IllegalArgumentException("unterminated string starting at column " + (start + 1));
                i++;
                tokens.add(new Token(Kind.STRING, quoted(literalText(s.substring(start, i))).text, space));
                space = false;
                continue;
            } else if (Character.isDigit(c)) {
                boolean afterDot = !tokens.isEmpty() && tokens.get(tokens.size() - 1).is(".");
                while (i < s.length() && (Character.isDigit(s.charAt(i))
                        || !afterDot && s.charAt(i) == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) i++;
                kind = Kind.NUMBER;
            } else if (Character.isLetter(c) || c == '_') {
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
                kind = Kind.NAME;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                i += List.of("==", "!=", "<=", ">=", "&&", "||", "=~", "!~", "=^", "=$", "!^", "!$").contains(two) ? 2 : 1;
                kind = Kind.OP;
            }
            tokens.add(new Token(kind, s.substring(start, i), space));
            space = false;
        }
        return tokens;
    }

    private static List<Token> literals(List<Token> in) {
        List<Token> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Token t = in.get(i);
            boolean member = i > 0 && in.get(i - 1).is(".");
            String literal = t.kind != Kind.NAME || member ? null : switch (t.text) {
                case "True", "true" -> "true";
                case "False", "false" -> "false";
                case "None", "none" -> "null";
                default -> null;
            };
            out.add(literal == null ? t : new Token(Kind.NAME, literal, t.spaceBefore));
        }
        return out;
    }

    private static List<Token> tests(List<Token> in) {
        List<Token> out = new ArrayList<>(in);
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).isWord("is") || i > 0 && out.get(i - 1).is(".")) continue;
            int start = operandStart(out, i - 1);
            int testAt = i + 1;
            boolean negate = testAt < out.size() && out.get(testAt).isWord("not");
            if (negate) testAt++;
            if (testAt >= out.size() || out.get(testAt).kind != Kind.NAME) {
                throw new IllegalArgumentException("'is' must be followed by a test name such as 'defined'");
            }
            String written = out.get(testAt).text;
            String test = TESTS.get(written);
            boolean withArguments = testAt + 1 < out.size() && out.get(testAt + 1).is("(");
            if (test == null || withArguments) {
                if (!JinjaTests.exists(written)) {
                    throw new IllegalArgumentException("unknown test '" + written + "' (supported: "
                            + String.join(", ", JinjaTests.names()) + ")");
                }
                test = null;
            }
            List<Token> operand = new ArrayList<>(out.subList(start, i));
            List<Token> call = new ArrayList<>();
            int end = testAt;
            if (test == null) {
                call.add(new Token(Kind.OP, (negate ? "!" : "") + "jp:test(", operand.get(0).spaceBefore));
                call.add(quoted(written));
                call.add(new Token(Kind.OP, ",", false));
                call.addAll(operand);
                call.add(new Token(Kind.OP, ",", false));
                if (withArguments) {
                    end = matchingClose(out, testAt + 1);
                    argumentArray(call, arguments(out.subList(testAt + 2, end)));
                } else {
                    argumentArray(call, List.of());
                }
            } else if (test.equals("defined") || test.equals("undefined")) {
                StringBuilder path = new StringBuilder();
                for (Token t : operand) path.append(t.text);
                if (VarPath.parse(path.toString()) != null) {
                    call.add(new Token(Kind.OP, (negate ? "!" : "") + "jp:" + test + "(", operand.get(0).spaceBefore));
                    call.add(new Token(Kind.STRING, "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"")
                            + "\"", false));
                } else {
                    boolean wantDefined = test.equals("defined") != negate;
                    call.add(new Token(Kind.OP, (wantDefined ? "" : "!") + "jp:attemptDefined(", operand.get(0).spaceBefore));
                    call.add(quoted(emit(afterFilters(operand))));
                }
            } else {
                call.add(new Token(Kind.OP, (negate ? "!" : "") + "jp:" + test + "(", operand.get(0).spaceBefore));
                call.addAll(operand);
            }
            call.add(new Token(Kind.OP, ")", false));
            out.subList(start, end + 1).clear();
            out.addAll(start, call);
            i = start + call.size() - 1;
        }
        return out;
    }

    private static List<Token> concatenations(List<Token> in) {
        List<Token> out = new ArrayList<>(in);
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).is("~")) continue;
            if (i == 0) throw new IllegalArgumentException("'~' needs a value on its left");
            int start = operandStart(out, i - 1);
            int end = operandEnd(out, i + 1);
            List<Token> call = new ArrayList<>();
            call.add(new Token(Kind.OP, "jp:concat(", out.get(start).spaceBefore));
            call.addAll(out.subList(start, i));
            call.add(new Token(Kind.OP, ",", false));
            List<Token> right = new ArrayList<>(out.subList(i + 1, end + 1));
            right.set(0, new Token(right.get(0).kind, right.get(0).text, true));
            call.addAll(right);
            call.add(new Token(Kind.OP, ")", false));
            out.subList(start, end + 1).clear();
            out.addAll(start, call);
            i = start + call.size() - 1;
        }
        return out;
    }

    /** End (inclusive) of the postfix operand starting at {@code start}: a literal, a name with .keys, [indexes], or a (group). */
    private static int operandEnd(List<Token> tokens, int start) {
        if (start >= tokens.size()) throw new IllegalArgumentException("'~' needs a value on its right");
        Token first = tokens.get(start);
        int j;
        if (first.is("(") || first.is("[")) {
            j = matchingClose(tokens, start);
        } else if (first.kind == Kind.OP) {
            throw new IllegalArgumentException("'~' needs a value on its right, found '" + first.text + "'");
        } else {
            j = start;
        }
        while (j + 1 < tokens.size()) {
            Token next = tokens.get(j + 1);
            if (next.is(".") && j + 2 < tokens.size()) {
                j += 2;
            } else if (next.is("[") || next.is("(")) {
                j = matchingClose(tokens, j + 1);
            } else {
                return j;
            }
        }
        return j;
    }

    private static int matchingClose(List<Token> tokens, int open) {
        boolean paren = opensParen(tokens.get(open));
        int depth = 0;
        for (int j = open; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            if (paren ? opensParen(t) : t.is("[")) {
                depth++;
            } else if ((paren ? t.is(")") : t.is("]")) && --depth == 0) {
                return j;
            }
        }
        throw new IllegalArgumentException("unbalanced '" + tokens.get(open).text + "'");
    }

    /** Start of the postfix operand ending at {@code end}: a name with .keys, [indexes] and calls, or a (group). */
    private static int operandStart(List<Token> tokens, int end) {
        return operandStart(tokens, end, "'is'");
    }

    private static int operandStart(List<Token> tokens, int end, String operator) {
        if (end < 0) throw new IllegalArgumentException(operator + " needs a value on its left");
        int j = end;
        while (true) {
            Token t = tokens.get(j);
            if (t.is(")") || t.is("]") || t.is("}")) {
                j = matchingOpen(tokens, j);
                Token before = j > 0 ? tokens.get(j - 1) : null;
                if (before != null && !tokens.get(j).is("{") && (before.kind == Kind.NAME && !KEYWORDS.contains(before.text)
                        || before.is("]") || before.is(")"))) {
                    j--;
                    continue;
                }
            } else if (t.kind == Kind.OP) {
                throw new IllegalArgumentException(operator + " needs a value on its left, found '" + t.text + "'");
            }
            if (j >= 2 && tokens.get(j - 1).is(".")) {
                j -= 2;
                continue;
            }
            return j;
        }
    }

    private static int matchingOpen(List<Token> tokens, int close) {
        String closing = tokens.get(close).text;
        boolean paren = closing.equals(")");
        String opening = closing.equals("]") ? "[" : "{";
        int depth = 0;
        for (int j = close; j >= 0; j--) {
            Token t = tokens.get(j);
            if (t.is(closing)) {
                depth++;
            } else if ((paren ? opensParen(t) : t.is(opening)) && --depth == 0) {
                return j;
            }
        }
        throw new IllegalArgumentException("unbalanced '" + tokens.get(close).text + "'");
    }

    /** "(" or a generated call opener such as "jp:failed(". */
    private static boolean opensParen(Token t) {
        return t.kind == Kind.OP && t.text.endsWith("(");
    }

    private static List<Token> membership(List<Token> in) {
        List<Token> out = new ArrayList<>(in.size());
        for (Token t : in) {
            if (t.isWord("in")) {
                Token prev = out.isEmpty() ? null : out.get(out.size() - 1);
                if (prev != null && prev.isWord("not")) {
                    out.set(out.size() - 1, new Token(Kind.OP, "!~", prev.spaceBefore));
                } else {
                    out.add(new Token(Kind.OP, "=~", t.spaceBefore));
                }
            } else {
                out.add(t);
            }
        }
        return out;
    }

    /** Rewrites each {@code not X} as {@code !(X)}, X reaching the next and/or/?/:/, or closing bracket. */
    private static List<Token> nots(List<Token> in) {
        List<Token> out = new ArrayList<>(in.size() + 4);
        for (int i = 0; i < in.size(); i++) {
            Token t = in.get(i);
            if (!t.isWord("not")) {
                out.add(t);
                continue;
            }
            int end = i + 1;
            int depth = 0;
            while (end < in.size()) {
                Token u = in.get(end);
                if (opensParen(u) || u.is("[") || u.is("{")) {
                    depth++;
                } else if (u.is(")") || u.is("]") || u.is("}")) {
                    if (depth == 0) break;
                    depth--;
                } else if (depth == 0 && (u.isWord("and") || u.isWord("or") || u.is("&&") || u.is("||")
                        || u.is("?") || u.is(":") || u.is(","))) {
                    break;
                }
                end++;
            }
            if (end == i + 1) throw new IllegalArgumentException("'not' needs a value after it");
            out.add(new Token(Kind.OP, "!(", t.spaceBefore));
            List<Token> operand = nots(in.subList(i + 1, end));
            Token first = operand.get(0);
            operand.set(0, new Token(first.kind, first.text, false));
            out.addAll(operand);
            out.add(new Token(Kind.OP, ")", false));
            i = end - 1;
        }
        return out;
    }
}
