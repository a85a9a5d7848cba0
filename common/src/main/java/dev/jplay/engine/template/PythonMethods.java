package dev.jplay.engine.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods of strings and dicts that Ansible conditions and templates call, with Python's semantics:
 * {@code split}, {@code startswith}, {@code endswith}, {@code strip}/{@code lstrip}/{@code rstrip}, {@code lower},
 * {@code upper}, {@code replace}, {@code join}, {@code count}, {@code find}, {@code keys}, {@code values},
 * {@code items}, {@code get}. Nothing else of a Java or Python object is reachable.
 */
final class PythonMethods {
    private static final Set<String> NAMES = Set.of("split", "startswith", "endswith", "strip", "lstrip", "rstrip",
            "lower", "upper", "replace", "join", "count", "find", "keys", "values", "items", "get", "capitalize",
            "title");

    private PythonMethods() {}

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static Object call(String name, Object target, Object[] rawArgs) {
        List<Object> args = new ArrayList<>();
        for (Object a : rawArgs == null ? new Object[] {null} : rawArgs) args.add(Filters.plain(a));
        if (target instanceof Map<?, ?> m) {
            return switch (name) {
                case "keys" -> new ArrayList<>(m.keySet());
                case "values" -> new ArrayList<>(m.values());
                case "items" -> m.entrySet().stream().map(e -> (Object) List.of(e.getKey(), e.getValue())).toList();
                case "get" -> m.containsKey(arg(name, args, 0)) ? m.get(args.get(0)) : args.size() > 1 ? args.get(1) : null;
                default -> throw new IllegalArgumentException("a mapping has no method '" + name + "'");
            };
        }
        if (!(target instanceof String s)) {
            throw new IllegalArgumentException(dev.jplay.engine.yaml.YamlNode.describe(target) + " has no method '"
                    + name + "'");
        }
        return switch (name) {
            case "split" -> {
                Object sep = args.isEmpty() ? null : args.get(0);
                Object max = args.size() > 1 ? args.get(1) : -1;
                yield Filters.apply("split", s, new Object[] {sep, max});
            }
            case "startswith" -> prefixes(args, name).stream().anyMatch(s::startsWith);
            case "endswith" -> prefixes(args, name).stream().anyMatch(s::endsWith);
            case "strip", "lstrip", "rstrip" -> strip(s, name, args.isEmpty() ? null : Filters.str(args.get(0)));
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "capitalize", "title" -> Filters.apply(name, s, new Object[0]);
            case "replace" -> Filters.apply("replace", s, args.toArray());
            case "join" -> {
                List<String> parts = new ArrayList<>();
                for (Object o : Filters.list(arg(name, args, 0))) parts.add(Filters.str(o));
                yield String.join(s, parts);
            }
            case "count" -> {
                String sub = Filters.str(arg(name, args, 0));
                if (sub.isEmpty()) yield s.length() + 1;
                int n = 0;
                for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
                yield n;
            }
            case "find" -> s.indexOf(Filters.str(arg(name, args, 0)));
            default -> throw new IllegalArgumentException("a string has no method '" + name + "'");
        };
    }

    private static Object arg(String method, List<Object> args, int i) {
        if (args.size() <= i) throw new IllegalArgumentException(method + "() needs an argument");
        return args.get(i);
    }

    private static List<String> prefixes(List<Object> args, String method) {
        Object a = arg(method, args, 0);
        List<String> out = new ArrayList<>();
        if (a instanceof List<?> l) for (Object o : l) out.add(Filters.str(o));
        else out.add(Filters.str(a));
        return out;
    }

    private static String strip(String s, String how, String chars) {
        int b = 0;
        int e = s.length();
        boolean left = !how.equals("rstrip");
        boolean right = !how.equals("lstrip");
        while (left && b < e && (chars == null ? Character.isWhitespace(s.charAt(b)) : chars.indexOf(s.charAt(b)) >= 0)) b++;
        while (right && e > b && (chars == null ? Character.isWhitespace(s.charAt(e - 1)) : chars.indexOf(s.charAt(e - 1)) >= 0)) e--;
        return s.substring(b, e);
    }
}
