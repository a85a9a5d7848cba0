package dev.jplay.engine.template;

import dev.jplay.engine.yaml.YamlLoader;
import dev.jplay.engine.yaml.YamlNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jinja's and Ansible's filters, by name, with their semantics (compared with ansible-core 2.14 in
 * {@code FiltersTest}). {@code X | f(a, k=v)} reaches {@link #apply} as {@code ("f", X, [a], {k: v})}. A filter's
 * failure is an {@link IllegalArgumentException} whose message names the filter; the caller adds the location.
 */
public final class Filters {
    /** The value of an undefined operand of {@code default} (and of {@code defined} in select/selectattr). */
    public static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "Undefined";
        }
    };

    /** A keyword argument, {@code k=v} in a call. */
    public record Kwarg(String name, Object value) {}

    private static final Set<String> NAMES = new TreeSet<>(List.of("default", "d", "join", "lower", "upper",
            "capitalize", "title", "trim", "replace", "regex_replace", "regex_search", "regex_findall",
            "regex_escape", "int", "float", "bool", "string", "length", "count", "first", "last", "min", "max",
            "unique", "sort", "reverse", "list", "map", "select", "reject", "selectattr", "rejectattr", "combine",
            "dict2items", "items2dict", "to_json", "to_nice_json", "from_json", "to_yaml", "to_nice_yaml",
            "from_yaml", "b64encode", "b64decode", "basename", "dirname", "ipaddr", "ipv4", "ipv6", "split",
            "ternary", "mandatory", "flatten", "sum", "abs", "round", "quote", "difference", "union", "intersect",
            "zip", "dict", "items", "wordcount", "center", "indent", "hash", "checksum", "random", "shuffle"));
    private static final Set<String> NOT_OFFERED = Set.of("random", "shuffle", "hash", "checksum");
    private static final List<String> PREFIXES = List.of("ansible.builtin.", "ansible.utils.",
            "ansible.netcommon.");

    private Filters() {}

    /** The filter's own name for what is written ({@code ansible.builtin.join} → join, d → default), or null. */
    static String canonical(String written) {
        String name = written;
        for (String p : PREFIXES) if (name.startsWith(p)) name = name.substring(p.length());
        if (!NAMES.contains(name) || NOT_OFFERED.contains(name)) return null;
        return switch (name) {
            case "d" -> "default";
            case "count" -> "length";
            default -> name;
        };
    }

    /** The names {@link #canonical} accepts (without prefixes), for documentation and messages. */
    public static Set<String> names() {
        Set<String> out = new TreeSet<>(NAMES);
        out.removeAll(NOT_OFFERED);
        return out;
    }

    /**
     * A filter whose result is Jinja's Undefined ({@code first}, {@code last}, {@code min}, {@code max} of an empty
     * list): undefined where that is a value ({@code | default(...)}, {@code is defined}), this error anywhere else.
     */
    static final class UndefinedResult extends IllegalArgumentException {
        UndefinedResult(String message) {
            super(message);
        }
    }

    static Object apply(String name, Object value, Object[] rawArgs) {
        List<Object> args = new ArrayList<>();
        Map<String, Object> kw = new LinkedHashMap<>();
        for (Object a : rawArgs == null ? new Object[] {null} : rawArgs) {
            if (a instanceof Kwarg k) kw.put(k.name(), plain(k.value()));
            else args.add(plain(a));
        }
        if (!name.equals("default") && !name.equals("mandatory") && value == UNDEFINED) {
            throw new IllegalArgumentException("filter '" + name + "' got an undefined value");
        }
        try {
            return plain(run(name, plain(value), new Args(name, args, kw)));
        } catch (ClassCastException | IndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("filter '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Positional and keyword arguments of one call; {@code get(i, "kw", default)} reads either. */
    private record Args(String filter, List<Object> positional, Map<String, Object> keywords) {
        Object get(int i, String keyword, Object fallback) {
            if (keyword != null && keywords.containsKey(keyword)) return keywords.get(keyword);
            return i >= 0 && i < positional.size() ? positional.get(i) : fallback;
        }

        Object required(int i, String keyword) {
            if (keyword != null && keywords.containsKey(keyword)) return keywords.get(keyword);
            if (i < positional.size()) return positional.get(i);
            throw new IllegalArgumentException("filter '" + filter + "' needs its argument '" + keyword + "'");
        }

        boolean flag(int i, String keyword) {
            return JinjaArithmetic.truthy(get(i, keyword, false));
        }
    }

    private static Object run(String name, Object v, Args a) {
        return switch (name) {
            case "default" -> v == UNDEFINED || a.flag(1, "boolean") && !JinjaArithmetic.truthy(v)
                    ? a.get(0, "default_value", "") : v;
            case "mandatory" -> {
                if (v == UNDEFINED) {
                    throw new IllegalArgumentException(String.valueOf(a.get(0, "msg", "mandatory variable not defined")));
                }
                yield v;
            }
            case "join" -> join(v, a);
            case "lower" -> str(v).toLowerCase(Locale.ROOT);
            case "upper" -> str(v).toUpperCase(Locale.ROOT);
            case "capitalize" -> {
                String s = str(v);
                yield s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            }
            case "title" -> title(str(v));
            case "trim" -> a.positional.isEmpty() ? str(v).strip() : stripChars(str(v), str(a.get(0, "chars", " ")));
            case "replace" -> replace(str(v), str(a.required(0, "old")), str(a.required(1, "new")),
                    a.get(2, "count", null));
            case "regex_replace" -> regexReplace(v, a);
            case "regex_search" -> regexSearch(v, a);
            case "regex_findall" -> regexFindall(v, a);
            case "regex_escape" -> pythonEscape(str(v));
            case "int" -> toInt(v, a);
            case "float" -> toFloat(v, a);
            case "bool" -> toBool(v);
            case "string" -> str(v);
            case "length" -> length(v);
            case "first" -> {
                List<?> l = sequence(v, name);
                if (l.isEmpty()) throw new UndefinedResult("filter 'first' on an empty list");
                yield l.get(0);
            }
            case "last" -> {
                List<?> l = sequence(v, name);
                if (l.isEmpty()) throw new UndefinedResult("filter 'last' on an empty list");
                yield l.get(l.size() - 1);
            }
            case "min", "max" -> minMax(v, a, name.equals("max"));
            case "unique" -> unique(v, a);
            case "sort" -> sort(v, a);
            case "reverse" -> {
                if (v instanceof String s) yield new StringBuilder(s).reverse().toString();
                List<Object> l = new ArrayList<>(sequence(v, name));
                java.util.Collections.reverse(l);
                yield l;
            }
            case "list" -> v instanceof Map<?, ?> m ? new ArrayList<>(m.keySet()) : new ArrayList<>(sequence(v, name));
            case "map" -> map(v, a);
            case "select", "reject" -> select(v, a, name.equals("select"));
            case "selectattr", "rejectattr" -> selectAttr(v, a, name.equals("selectattr"));
            case "combine" -> combine(v, a);
            case "dict2items" -> dict2items(v, a);
            case "items2dict" -> items2dict(v, a);
            case "items" -> dict2items(v, new Args("items", List.of(), Map.of())).stream()
                    .map(e -> List.of(((Map<?, ?>) e).get("key"), ((Map<?, ?>) e).get("value"))).toList();
            case "dict" -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Object pair : list(v)) out.put(list(pair).get(0), list(pair).get(1));
                yield out;
            }
            case "to_json" -> PythonText.json(v, a.get(-1, "indent", null), a.flag(-1, "sort_keys"), ", ", ": ");
            case "to_nice_json" -> PythonText.json(v, a.get(-1, "indent", 4), true, ",", ": ");
            case "from_json", "from_yaml" -> fromYaml(str(v), name);
            case "to_yaml" -> PythonText.yaml(v, false, (Integer) null);
            case "to_nice_yaml" -> PythonText.yaml(v, true, (Integer) a.get(-1, "indent", 4));
            case "b64encode" -> Base64.getEncoder().encodeToString(str(v).getBytes(StandardCharsets.UTF_8));
            case "b64decode" -> new String(Base64.getMimeDecoder().decode(str(v)), StandardCharsets.UTF_8);
            case "basename" -> {
                String s = str(v);
                yield s.substring(s.lastIndexOf('/') + 1);
            }
            case "dirname" -> dirname(str(v));
            case "ipaddr", "ipv4", "ipv6" -> IpFilters.ipaddr(name, v, a.get(0, "query", ""));
            case "split" -> split(str(v), a.get(0, "sep", null), a.get(1, "maxsplit", -1));
            case "ternary" -> JinjaArithmetic.truthy(v) ? a.required(0, "true_val") : a.required(1, "false_val");
            case "flatten" -> flatten(list(v), toLong(a.get(0, "levels", -1L)), new ArrayList<>());
            case "sum" -> sum(v, a);
            case "abs" -> v instanceof Double d ? (Object) Math.abs(d) : (Object) toBig(v).abs();
            case "round" -> round(v, a);
            case "quote" -> "'" + str(v).replace("'", "'\"'\"'") + "'";
            case "difference" -> {
                List<Object> other = list(a.required(0, "b"));
                yield unique(list(v).stream().filter(x -> other.stream().noneMatch(y -> equal(x, y))).toList());
            }
            case "intersect" -> {
                List<Object> other = list(a.required(0, "b"));
                yield unique(list(v).stream().filter(x -> other.stream().anyMatch(y -> equal(x, y))).toList());
            }
            case "union" -> {
                List<Object> all = new ArrayList<>(list(v));
                all.addAll(list(a.required(0, "b")));
                yield unique(all);
            }
            case "zip" -> {
                List<List<Object>> lists = new ArrayList<>();
                lists.add(list(v));
                for (Object o : a.positional) lists.add(list(o));
                int n = lists.stream().mapToInt(List::size).min().orElse(0);
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    List<Object> t = new ArrayList<>();
                    for (List<Object> l : lists) t.add(l.get(i));
                    out.add(t);
                }
                yield out;
            }
            case "wordcount" -> str(v).isBlank() ? 0 : str(v).strip().split("\\s+").length;
            case "center" -> {
                String s = str(v);
                int width = (int) toLong(a.get(0, "width", 80));
                int pad = Math.max(0, width - s.length());
                yield " ".repeat(pad / 2 + (pad % 2 == 1 && width % 2 == 1 ? 1 : 0)) + s
                        + " ".repeat(pad - pad / 2 - (pad % 2 == 1 && width % 2 == 1 ? 1 : 0));
            }
            case "indent" -> indent(str(v), a);
            default -> throw new IllegalArgumentException("unknown filter '" + name + "'");
        };
    }

    // ---- helpers shared with JinjaTests and IpFilters ----

    /** Python's {@code str()}: None, True/False, lists and dicts as Python prints them. */
    static String str(Object v) {
        return PythonText.str(v);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object v) {
        if (v instanceof List<?> l) return (List<Object>) l;
        if (v instanceof Map<?, ?> m) return new ArrayList<>(m.keySet());
        if (v instanceof String s) return new ArrayList<>(s.codePoints().mapToObj(Character::toString).toList());
        throw new IllegalArgumentException("expected a list, got " + YamlNode.describe(v));
    }

    private static List<?> sequence(Object v, String filter) {
        if (v instanceof List<?> || v instanceof String || v instanceof Map<?, ?>) return list(v);
        throw new IllegalArgumentException("filter '" + filter + "' needs a list, got " + YamlNode.describe(v));
    }

    static long toLong(Object v) {
        if (v instanceof Number n) return n.longValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        return Long.parseLong(str(v).strip());
    }

    private static BigInteger toBig(Object v) {
        if (v instanceof BigInteger b) return b;
        if (v instanceof Number n) return BigInteger.valueOf(n.longValue());
        return new BigInteger(str(v).strip());
    }

    /** Python's ==: numbers by value (1 == 1.0), lists and maps element-wise. */
    static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y && !(a instanceof Boolean) && !(b instanceof Boolean)) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!equal(x.get(i), y.get(i))) return false;
            return true;
        }
        return java.util.Objects.equals(a, b);
    }

    /** Python's ordering: numbers with numbers, strings with strings (optionally ignoring case), lists by element. */
    static int compare(Object a, Object b, boolean caseSensitive) {
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
        }
        if (a instanceof String x && b instanceof String y) {
            return caseSensitive ? x.compareTo(y) : x.toLowerCase(Locale.ROOT).compareTo(y.toLowerCase(Locale.ROOT));
        }
        if (a instanceof Boolean x && b instanceof Boolean y) return Boolean.compare(x, y);
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                int c = compare(x.get(i), y.get(i), caseSensitive);
                if (c != 0) return c;
            }
            return Integer.compare(x.size(), y.size());
        }
        throw new IllegalArgumentException("cannot compare " + YamlNode.describe(a) + " with " + YamlNode.describe(b));
    }

    /** JEXL's array literals as Lists, its numbers as they are. */
    static Object plain(Object v) {
        if (v != null && v.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(v);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(plain(java.lang.reflect.Array.get(v, i)));
            return out;
        }
        return v;
    }

    /** {@code a.b.0}: an attribute path as map(attribute=), selectattr and sort(attribute=) take it. */
    static Object attribute(Object item, String path) {
        Object current = item;
        for (String part : path.split("\\.")) {
            if (current instanceof Map<?, ?> m && m.containsKey(part)) {
                current = m.get(part);
            } else if (current instanceof List<?> l && part.matches("\\d+") && Integer.parseInt(part) < l.size()) {
                current = l.get(Integer.parseInt(part));
            } else {
                return UNDEFINED;
            }
        }
        return current;
    }

    private static Object defined(Object value, String attribute) {
        if (value == UNDEFINED) throw new IllegalArgumentException("'" + attribute + "' is undefined");
        return value;
    }

    // ---- the filters ----

    private static String join(Object v, Args a) {
        String sep = str(a.get(0, "d", ""));
        Object attribute = a.get(1, "attribute", null);
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : list(v)) {
            if (!first) out.append(sep);
            first = false;
            out.append(str(attribute == null ? item : defined(attribute(item, str(attribute)), str(attribute))));
        }
        return out.toString();
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetterOrDigit(c);
        }
        return out.toString();
    }

    private static String stripChars(String s, String chars) {
        int b = 0;
        int e = s.length();
        while (b < e && chars.indexOf(s.charAt(b)) >= 0) b++;
        while (e > b && chars.indexOf(s.charAt(e - 1)) >= 0) e--;
        return s.substring(b, e);
    }

    private static String replace(String s, String old, String replacement, Object count) {
        if (count == null) return s.replace(old, replacement);
        long n = toLong(count);
        String out = s;
        int from = 0;
        for (long i = 0; i < n; i++) {
            int at = out.indexOf(old, from);
            if (at < 0) break;
            out = out.substring(0, at) + replacement + out.substring(at + old.length());
            from = at + replacement.length();
        }
        return out;
    }

    private static Pattern pattern(Object regex, Args a) {
        int flags = 0;
        if (a.flag(-1, "ignorecase")) flags |= Pattern.CASE_INSENSITIVE;
        if (a.flag(-1, "multiline")) flags |= Pattern.MULTILINE;
        return Pattern.compile(pythonRegex(str(regex)), flags);
    }

    /** Python regex syntax Java lacks: named groups {@code (?P<n>...)} and backreferences {@code (?P=n)}. */
    private static String pythonRegex(String regex) {
        return regex.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>");
    }

    private static String regexReplace(Object v, Args a) {
        Matcher m = pattern(a.get(0, "pattern", ""), a).matcher(str(v));
        String replacement = str(a.get(1, "replacement", ""));
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(expand(replacement, m)));
        m.appendTail(out);
        return out.toString();
    }

    /** Python's re.sub template: {@code \1}, {@code \g<1>}, {@code \g<name>}, {@code \n}, {@code \\}. */
    private static String expand(String template, Matcher m) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '\\' || i + 1 >= template.length()) {
                out.append(c);
                continue;
            }
            char n = template.charAt(++i);
            if (Character.isDigit(n)) {
                int j = i;
                while (j + 1 < template.length() && j - i < 1 && Character.isDigit(template.charAt(j + 1))) j++;
                String g = m.group(Integer.parseInt(template.substring(i, j + 1)));
                out.append(g == null ? "" : g);
                i = j;
            } else if (n == 'g' && i + 1 < template.length() && template.charAt(i + 1) == '<') {
                int close = template.indexOf('>', i);
                String ref = template.substring(i + 2, close);
                String g = ref.matches("\\d+") ? m.group(Integer.parseInt(ref)) : m.group(ref);
                out.append(g == null ? "" : g);
                i = close;
            } else {
                out.append(switch (n) {
                    case 'n' -> "\n";
                    case 't' -> "\t";
                    case '\\' -> "\\";
                    default -> "\\" + n;
                });
            }
        }
        return out.toString();
    }

    private static Object regexSearch(Object v, Args a) {
        Matcher m = pattern(a.required(0, "regex"), a).matcher(str(v));
        if (!m.find()) return null;
        if (a.positional.size() <= 1) return m.group();
        List<Object> groups = new ArrayList<>();
        for (Object g : a.positional.subList(1, a.positional.size())) {
            String ref = str(g);
            if (ref.startsWith("\\g<")) groups.add(m.group(ref.substring(3, ref.length() - 1)));
            else if (ref.startsWith("\\")) groups.add(m.group(Integer.parseInt(ref.substring(1))));
            else throw new IllegalArgumentException("regex_search: unknown group '" + ref + "'");
        }
        return groups;
    }

    private static List<Object> regexFindall(Object v, Args a) {
        Matcher m = pattern(a.required(0, "regex"), a).matcher(str(v));
        List<Object> out = new ArrayList<>();
        while (m.find()) {
            if (m.groupCount() == 0) {
                out.add(m.group());
            } else if (m.groupCount() == 1) {
                out.add(m.group(1) == null ? "" : m.group(1));
            } else {
                List<Object> groups = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) groups.add(m.group(i) == null ? "" : m.group(i));
                out.add(groups);
            }
        }
        return out;
    }

    private static String pythonEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (!Character.isLetterOrDigit(c) && c != '_') out.append('\\');
            out.append(c);
        }
        return out.toString();
    }

    private static Object toInt(Object v, Args a) {
        Object fallback = a.get(0, "default", 0);
        int base = (int) toLong(a.get(1, "base", 10));
        if (v instanceof Boolean b) return b ? 1 : 0;
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) return v;
        if (v instanceof Number n) return narrow(BigDecimal.valueOf(n.doubleValue()).toBigInteger());
        if (v instanceof String s) {
            String t = s.strip().replace("_", "");
            try {
                if (base != 10 && t.length() > 2 && t.charAt(0) == '0' && "xXoObB".indexOf(t.charAt(1)) >= 0) {
                    t = t.substring(2);
                }
                return narrow(new BigInteger(t, base));
            } catch (NumberFormatException e) {
                try {
                    return base == 10 ? narrow(new BigDecimal(t).toBigInteger()) : fallback;
                } catch (NumberFormatException e2) {
                    return fallback;
                }
            }
        }
        return fallback;
    }

    private static Object narrow(BigInteger b) {
        return b.bitLength() < 32 ? (Object) b.intValue() : b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private static Object toFloat(Object v, Args a) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof Boolean b) return b ? 1.0 : 0.0;
        try {
            return Double.parseDouble(str(v).strip());
        } catch (NumberFormatException e) {
            return a.get(0, "default", 0.0);
        }
    }

    /** Ansible's bool: yes/on/1/true (any case) and true numbers 1 are true; everything else false. */
    private static boolean toBool(Object v) {
        if (v instanceof Boolean b) return b;
        if (v == null) return false;
        if (v instanceof Number n) return n.doubleValue() == 1;
        return Set.of("yes", "on", "1", "true", "y", "t").contains(str(v).strip().toLowerCase(Locale.ROOT));
    }

    private static int length(Object v) {
        if (v instanceof String s) return s.codePointCount(0, s.length());
        if (v instanceof List<?> l) return l.size();
        if (v instanceof Map<?, ?> m) return m.size();
        throw new IllegalArgumentException("filter 'length' needs a string, list or mapping, got "
                + YamlNode.describe(v));
    }

    private static Object minMax(Object v, Args a, boolean max) {
        List<?> l = sequence(v, max ? "max" : "min");
        if (l.isEmpty()) throw new UndefinedResult("filter '" + (max ? "max" : "min") + "' on an empty list");
        Object attribute = a.get(-1, "attribute", null);
        boolean cs = a.flag(-1, "case_sensitive");
        Object best = l.get(0);
        for (Object o : l) {
            Object x = attribute == null ? o : attribute(o, str(attribute));
            Object y = attribute == null ? best : attribute(best, str(attribute));
            int c = compare(x, y, cs);
            if (max ? c > 0 : c < 0) best = o;
        }
        return best;
    }

    private static List<Object> unique(List<Object> l) {
        List<Object> out = new ArrayList<>();
        for (Object o : l) {
            if (out.stream().noneMatch(x -> equal(x, o))) out.add(o);
        }
        return out;
    }

    private static List<Object> unique(Object v, Args a) {
        boolean cs = a.flag(-1, "case_sensitive");
        Object attribute = a.get(-1, "attribute", null);
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object o : list(v)) {
            Object key = attribute == null ? o : attribute(o, str(attribute));
            if (!cs && key instanceof String s) key = s.toLowerCase(Locale.ROOT);
            Object k = key;
            if (seen.stream().noneMatch(x -> equal(x, k))) {
                seen.add(k);
                out.add(o);
            }
        }
        return out;
    }

    private static List<Object> sort(Object v, Args a) {
        boolean reverse = a.flag(0, "reverse");
        boolean cs = a.flag(1, "case_sensitive");
        Object attribute = a.get(2, "attribute", null);
        List<Object> out = new ArrayList<>(list(v));
        Comparator<Object> order = (x, y) -> compare(attribute == null ? x : attribute(x, str(attribute)),
                attribute == null ? y : attribute(y, str(attribute)), cs);
        out.sort(reverse ? order.reversed() : order);
        return out;
    }

    private static List<Object> map(Object v, Args a) {
        List<Object> out = new ArrayList<>();
        if (a.keywords.containsKey("attribute")) {
            String attribute = str(a.keywords.get("attribute"));
            boolean hasDefault = a.keywords.containsKey("default");
            for (Object item : list(v)) {
                Object x = attribute(item, attribute);
                if (x == UNDEFINED) {
                    if (!hasDefault) {
                        throw new IllegalArgumentException("filter 'map': an item has no attribute '" + attribute + "'");
                    }
                    x = a.keywords.get("default");
                }
                out.add(x);
            }
            return out;
        }
        if (a.positional.isEmpty()) throw new IllegalArgumentException("filter 'map' needs a filter name or attribute=");
        String filter = canonical(str(a.positional.get(0)));
        if (filter == null) throw new IllegalArgumentException("unknown filter '" + a.positional.get(0) + "' in map");
        Object[] rest = rest(a, 1);
        for (Object item : list(v)) out.add(apply(filter, item, rest));
        return out;
    }

    private static Object[] rest(Args a, int from) {
        List<Object> rest = new ArrayList<>(a.positional.subList(Math.min(from, a.positional.size()),
                a.positional.size()));
        a.keywords.forEach((k, val) -> rest.add(new Kwarg(k, val)));
        return rest.toArray();
    }

    private static List<Object> select(Object v, Args a, boolean keep) {
        List<Object> out = new ArrayList<>();
        String test = a.positional.isEmpty() ? null : str(a.positional.get(0));
        List<Object> testArgs = a.positional.size() > 1 ? a.positional.subList(1, a.positional.size()) : List.of();
        for (Object item : list(v)) {
            boolean ok = test == null ? JinjaArithmetic.truthy(item) : JinjaTests.test(test, item, testArgs);
            if (ok == keep) out.add(item);
        }
        return out;
    }

    private static List<Object> selectAttr(Object v, Args a, boolean keep) {
        String attribute = str(a.required(0, "attribute"));
        String test = a.positional.size() > 1 ? str(a.positional.get(1)) : null;
        List<Object> testArgs = a.positional.size() > 2 ? a.positional.subList(2, a.positional.size()) : List.of();
        List<Object> out = new ArrayList<>();
        for (Object item : list(v)) {
            Object x = attribute(item, attribute);
            boolean ok;
            if (test == null) {
                ok = x != UNDEFINED && JinjaArithmetic.truthy(x);
            } else if (x == UNDEFINED && !test.equals("defined") && !test.equals("undefined")) {
                throw new IllegalArgumentException("filter '" + (keep ? "selectattr" : "rejectattr")
                        + "': an item has no attribute '" + attribute + "'");
            } else {
                ok = JinjaTests.test(test, x, testArgs);
            }
            if (ok == keep) out.add(item);
        }
        return out;
    }

    private static Map<Object, Object> combine(Object v, Args a) {
        boolean recursive = a.flag(-1, "recursive");
        String listMerge = str(a.get(-1, "list_merge", "replace"));
        Map<Object, Object> out = new LinkedHashMap<>(mapping(v, "combine"));
        List<Object> others = new ArrayList<>();
        for (Object o : a.positional) {
            if (o instanceof List<?> l) others.addAll(l);
            else others.add(o);
        }
        for (Object o : others) merge(out, mapping(o, "combine"), recursive, listMerge);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<Object, Object> into, Map<?, ?> from, boolean recursive, String listMerge) {
        for (Map.Entry<?, ?> e : from.entrySet()) {
            Object old = into.get(e.getKey());
            Object val = e.getValue();
            if (recursive && old instanceof Map<?, ?> om && val instanceof Map<?, ?> nm) {
                Map<Object, Object> copy = new LinkedHashMap<>((Map<Object, Object>) om);
                merge(copy, nm, true, listMerge);
                into.put(e.getKey(), copy);
            } else if (old instanceof List<?> ol && val instanceof List<?> nl && !listMerge.equals("replace")) {
                List<Object> merged = new ArrayList<>();
                switch (listMerge) {
                    case "keep" -> merged.addAll(ol);
                    case "append" -> { merged.addAll(ol); merged.addAll(nl); }
                    case "prepend" -> { merged.addAll(nl); merged.addAll(ol); }
                    case "append_rp" -> { merged.addAll(ol.stream().filter(x -> !nl.contains(x)).toList()); merged.addAll(nl); }
                    case "prepend_rp" -> { merged.addAll(nl); merged.addAll(ol.stream().filter(x -> !nl.contains(x)).toList()); }
                    default -> throw new IllegalArgumentException("combine: unknown list_merge '" + listMerge + "'");
                }
                into.put(e.getKey(), merged);
            } else {
                into.put(e.getKey(), val);
            }
        }
    }

    private static Map<?, ?> mapping(Object v, String filter) {
        if (v instanceof Map<?, ?> m) return m;
        throw new IllegalArgumentException("filter '" + filter + "' needs a mapping, got " + YamlNode.describe(v));
    }

    private static List<Object> dict2items(Object v, Args a) {
        String key = str(a.get(-1, "key_name", "key"));
        String value = str(a.get(-1, "value_name", "value"));
        List<Object> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : mapping(v, "dict2items").entrySet()) {
            Map<Object, Object> item = new LinkedHashMap<>();
            item.put(key, e.getKey());
            item.put(value, e.getValue());
            out.add(item);
        }
        return out;
    }

    private static Map<Object, Object> items2dict(Object v, Args a) {
        String key = str(a.get(-1, "key_name", "key"));
        String value = str(a.get(-1, "value_name", "value"));
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Object item : list(v)) {
            Map<?, ?> m = mapping(item, "items2dict");
            if (!m.containsKey(key) || !m.containsKey(value)) {
                throw new IllegalArgumentException("filter 'items2dict': an item lacks '" + key + "' or '" + value + "'");
            }
            out.put(m.get(key), m.get(value));
        }
        return out;
    }

    private static Object fromYaml(String text, String filter) {
        try {
            return new YamlLoader().load(text, Path.of("<" + filter + ">")).toJava();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("filter '" + filter + "': " + e.getMessage(), e);
        }
    }

    private static String dirname(String s) {
        int at = s.lastIndexOf('/');
        if (at < 0) return "";
        String head = s.substring(0, at + 1);
        String stripped = head.replaceAll("/+$", "");
        return stripped.isEmpty() ? head : stripped;
    }

    private static List<Object> split(String s, Object sep, Object maxsplit) {
        int max = (int) toLong(maxsplit);
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            String t = s.strip();
            if (t.isEmpty()) return out;
            String[] parts = max < 0 ? t.split("\\s+") : t.split("\\s+", max + 1);
            out.addAll(List.of(parts));
            return out;
        }
        String[] parts = s.split(Pattern.quote(str(sep)), max < 0 ? -1 : max + 1);
        out.addAll(List.of(parts));
        return out;
    }

    private static List<Object> flatten(List<?> l, long levels, List<Object> out) {
        for (Object o : l) {
            if (o instanceof List<?> inner && levels != 0) flatten(inner, levels - 1, out);
            else if (o != null) out.add(o);
        }
        return out;
    }

    private static Object sum(Object v, Args a) {
        Object attribute = a.get(-1, "attribute", null);
        Object total = a.get(1, "start", 0);
        for (Object o : list(v)) {
            Object x = attribute == null ? o : attribute(o, str(attribute));
            total = add(total, x);
        }
        return total;
    }

    private static Object add(Object a, Object b) {
        if (a instanceof Double || b instanceof Double || a instanceof Float || b instanceof Float) {
            return ((Number) a).doubleValue() + ((Number) b).doubleValue();
        }
        return narrow(toBig(a).add(toBig(b)));
    }

    private static Object round(Object v, Args a) {
        int precision = (int) toLong(a.get(0, "precision", 0));
        String method = str(a.get(1, "method", "common"));
        java.math.RoundingMode mode = switch (method) {
            case "ceil" -> java.math.RoundingMode.CEILING;
            case "floor" -> java.math.RoundingMode.FLOOR;
            default -> java.math.RoundingMode.HALF_UP;
        };
        return new BigDecimal(String.valueOf(((Number) v).doubleValue())).setScale(precision, mode).doubleValue();
    }

    private static String indent(String s, Args a) {
        String pad = a.get(0, "width", 4) instanceof String p ? p : " ".repeat((int) toLong(a.get(0, "width", 4)));
        boolean first = a.flag(1, "first");
        boolean blank = a.flag(2, "blank");
        String[] lines = s.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            boolean indentIt = (i > 0 || first) && (blank || !lines[i].isBlank());
            out.append(indentIt ? pad : "").append(lines[i]);
        }
        return out.toString();
    }
}
