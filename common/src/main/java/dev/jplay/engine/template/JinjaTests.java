package dev.jplay.engine.template;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Jinja's and Ansible's tests on values, by name: what {@code x is match('^a')} and {@code select('match', '^a')},
 * {@code selectattr('port', 'gt', 80)} use. {@link Filters#UNDEFINED} is the value of an undefined operand.
 */
final class JinjaTests {
    private JinjaTests() {}

    private static final java.util.Set<String> NAMES = new TreeSet<>(List.of("defined", "undefined", "none",
            "string", "number", "integer", "float", "mapping", "sequence", "iterable", "boolean", "truthy", "falsy",
            "equalto", "eq", "==", "ne", "!=", "lt", "<", "le", "<=", "gt", ">", "ge", ">=", "in", "contains",
            "match", "search", "regex", "odd", "even", "divisibleby", "lower", "upper", "version",
            "version_compare", "failed", "failure", "changed", "change", "succeeded", "success", "successful",
            "skipped", "skip", "subset", "superset", "abs", "sameas", "callable"));

    static boolean exists(String name) {
        return NAMES.contains(strip(name));
    }

    static java.util.Set<String> names() {
        return NAMES;
    }

    private static String strip(String name) {
        return name.startsWith("ansible.builtin.") ? name.substring("ansible.builtin.".length()) : name;
    }

    /** Runs test {@code name} on {@code value}; arguments as written after it. */
    static boolean test(String written, Object value, List<Object> args) {
        String name = strip(written);
        if (!NAMES.contains(name)) throw new IllegalArgumentException("unknown test '" + written + "'");
        if (name.equals("defined")) return value != Filters.UNDEFINED;
        if (name.equals("undefined")) return value == Filters.UNDEFINED;
        if (value == Filters.UNDEFINED) throw new IllegalArgumentException("test '" + name + "' on an undefined value");
        return switch (name) {
            case "none" -> value == null;
            case "string" -> value instanceof String;
            case "number" -> value instanceof Number;
            case "integer" -> value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger;
            case "float" -> value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal;
            case "mapping" -> value instanceof Map;
            case "sequence", "iterable" -> value instanceof List || value instanceof String || value instanceof Map;
            case "boolean" -> value instanceof Boolean;
            case "truthy" -> JinjaArithmetic.truthy(value);
            case "falsy" -> !JinjaArithmetic.truthy(value);
            case "equalto", "eq", "==", "sameas" -> Filters.equal(value, arg(name, args, 0));
            case "ne", "!=" -> !Filters.equal(value, arg(name, args, 0));
            case "lt", "<" -> Filters.compare(value, arg(name, args, 0), true) < 0;
            case "le", "<=" -> Filters.compare(value, arg(name, args, 0), true) <= 0;
            case "gt", ">" -> Filters.compare(value, arg(name, args, 0), true) > 0;
            case "ge", ">=" -> Filters.compare(value, arg(name, args, 0), true) >= 0;
            case "in" -> contains(arg(name, args, 0), value);
            case "contains" -> contains(value, arg(name, args, 0));
            case "match" -> regex(args, 0).matcher(Filters.str(value)).lookingAt();
            case "search", "regex" -> regex(args, 0).matcher(Filters.str(value)).find();
            case "odd" -> Filters.toLong(value) % 2 != 0;
            case "even" -> Filters.toLong(value) % 2 == 0;
            case "divisibleby" -> Filters.toLong(value) % Filters.toLong(arg(name, args, 0)) == 0;
            case "lower" -> Filters.str(value).equals(Filters.str(value).toLowerCase(java.util.Locale.ROOT));
            case "upper" -> Filters.str(value).equals(Filters.str(value).toUpperCase(java.util.Locale.ROOT));
            case "version", "version_compare" -> version(value, args);
            case "failed", "failure" -> flag(value, "failed");
            case "changed", "change" -> flag(value, "changed");
            case "succeeded", "success", "successful" -> !flag(value, "failed");
            case "skipped", "skip" -> flag(value, "skipped");
            case "subset" -> Filters.list(arg(name, args, 0)).containsAll(Filters.list(value));
            case "superset" -> Filters.list(value).containsAll(Filters.list(arg(name, args, 0)));
            case "abs" -> value instanceof String s && s.startsWith("/");
            case "callable" -> false;
            default -> throw new IllegalArgumentException("unknown test '" + name + "'");
        };
    }

    private static Object arg(String test, List<Object> args, int i) {
        if (args.size() <= i) throw new IllegalArgumentException("test '" + test + "' needs an argument");
        return args.get(i);
    }

    private static Pattern regex(List<Object> args, int i) {
        return Pattern.compile(Filters.str(arg("match", args, i)));
    }

    private static boolean contains(Object container, Object value) {
        if (container instanceof String s) return s.contains(Filters.str(value));
        if (container instanceof Map<?, ?> m) return m.containsKey(value);
        if (container instanceof List<?> l) {
            for (Object o : l) if (Filters.equal(o, value)) return true;
            return false;
        }
        throw new IllegalArgumentException("'in' needs a string, list or mapping, got "
                + dev.jplay.engine.yaml.YamlNode.describe(container));
    }

    private static boolean flag(Object result, String key) {
        if (!(result instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("the '" + key + "' test needs a registered task result (a mapping)");
        }
        return Boolean.TRUE.equals(m.get(key));
    }

    /** Ansible's {@code version(other, op)}: loose versions compared part by part, numbers as numbers. */
    private static boolean version(Object value, List<Object> args) {
        Object other = arg("version", args, 0);
        String op = args.size() > 1 ? Filters.str(args.get(1)) : "eq";
        int c = compareVersions(Filters.str(value), Filters.str(other));
        return switch (op) {
            case "lt", "<" -> c < 0;
            case "le", "<=" -> c <= 0;
            case "gt", ">" -> c > 0;
            case "ge", ">=" -> c >= 0;
            case "eq", "==", "=" -> c == 0;
            case "ne", "!=", "<>" -> c != 0;
            default -> throw new IllegalArgumentException("version: unknown operator '" + op + "'");
        };
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("[._\\-+]|(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        String[] y = b.split("[._\\-+]|(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            if (i >= x.length) return -1;
            if (i >= y.length) return 1;
            boolean nx = x[i].matches("\\d+");
            boolean ny = y[i].matches("\\d+");
            int c = nx && ny ? new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]))
                    : nx ? 1 : ny ? -1 : x[i].compareTo(y[i]);
            if (c != 0) return c;
        }
        return 0;
    }
}
