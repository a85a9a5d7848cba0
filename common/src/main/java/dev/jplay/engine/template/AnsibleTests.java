package dev.jplay.engine.template;

import dev.jplay.engine.yaml.Location;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Ansible's Jinja tests, reached from JEXL as {@code jp:NAME(x)} after {@link ConditionTranslator} rewrote
 * {@code x is NAME}. One instance per evaluation, bound to that evaluation's variables. Result tests read the
 * keys modules put in a registered result: {@code failed}, {@code changed}, {@code skipped}.
 */
public final class AnsibleTests {
    private final Map<String, Object> vars;
    private final Function<String, Object> attempt;
    private final Function<String, Object> variable;
    private final Lookups lookups;
    private final Location where;

    AnsibleTests(Map<String, Object> vars) {
        this(vars, jexl -> {
            throw new IllegalStateException("no evaluator");
        }, vars::get, Lookups.NONE, null);
    }

    /**
     * {@code attempt} evaluates a translated sub-expression, giving {@link Filters#UNDEFINED} where it is undefined;
     * {@code variable} reads a variable as the expression would (rendered).
     */
    AnsibleTests(Map<String, Object> vars, Function<String, Object> attempt, Function<String, Object> variable,
                 Lookups lookups, Location where) {
        this.vars = vars;
        this.attempt = attempt;
        this.variable = variable;
        this.lookups = lookups;
        this.where = where;
    }

    /** A variable whose name is a JEXL word ({@code empty}, {@code size}): undefined is an error, as for any other. */
    public Object named(String name) {
        if (!vars.containsKey(name)) {
            throw new TemplateException(where, "undefined variable '" + name + "'", name, null);
        }
        return variable.apply(name);
    }

    /** {@code X | name(args)}. */
    public Object filter(String name, Object value, Object args) {
        return Filters.apply(name, value, array(args));
    }

    /** The arguments of a call, which the translation passes as one array literal. */
    private static Object[] array(Object args) {
        if (args == null || !args.getClass().isArray()) return new Object[] {args};
        Object[] out = new Object[java.lang.reflect.Array.getLength(args)];
        for (int i = 0; i < out.length; i++) out[i] = java.lang.reflect.Array.get(args, i);
        return out;
    }

    /** {@code X.m(args)}, one of {@link PythonMethods}. */
    public Object method(String name, Object target, Object args) {
        return PythonMethods.call(name, Filters.plain(target), array(args));
    }

    /** A keyword argument {@code k=v} of a filter, test or lookup call. */
    public Filters.Kwarg kw(String name, Object value) {
        return new Filters.Kwarg(name, value);
    }

    /** X evaluated where undefined is a value ({@link Filters#UNDEFINED}), for {@code X | default(...)}. */
    public Object attempt(String jexl) {
        return attempt.apply(jexl);
    }

    /** {@code X is defined} where X is an expression rather than a variable path. */
    public boolean attemptDefined(String jexl) {
        return attempt.apply(jexl) != Filters.UNDEFINED;
    }

    /** {@code X is T(args)} for the tests of {@link JinjaTests}. */
    public boolean test(String name, Object value, Object args) {
        List<Object> plain = new ArrayList<>();
        for (Object a : array(args)) plain.add(Filters.plain(a));
        return JinjaTests.test(name, Filters.plain(value), plain);
    }

    /** {@code lookup('env', 'HOME')}: one value, or the values joined by commas (Ansible's wantlist=False). */
    public Object lookup(Object args) {
        Call call = call("lookup", array(args));
        List<Object> values = lookups.run(call.name, call.terms, call.options, vars, where);
        if (JinjaArithmetic.truthy(call.options.get("wantlist"))) return values;
        if (values.size() == 1) return values.get(0);
        List<String> text = new ArrayList<>();
        for (Object v : values) text.add(Filters.str(v));
        return String.join(",", text);
    }

    /** {@code query('file', 'a', 'b')} (and {@code q}): always a list. */
    public Object query(Object args) {
        Call call = call("query", array(args));
        return lookups.run(call.name, call.terms, call.options, vars, where);
    }

    /** Jinja's {@code range(stop)}, {@code range(start, stop[, step])}. */
    public List<Object> range(Object arguments) {
        Object[] args = array(arguments);
        long start = args.length > 1 ? Filters.toLong(args[0]) : 0;
        long stop = Filters.toLong(args.length > 1 ? args[1] : args[0]);
        long step = args.length > 2 ? Filters.toLong(args[2]) : 1;
        if (step == 0) throw new IllegalArgumentException("range() step must not be zero");
        if ((stop - start) / step > 100_000) throw new IllegalArgumentException("range() larger than 100000 items");
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) out.add(i < Integer.MAX_VALUE ? (Object) (int) i : i);
        return out;
    }

    private record Call(String name, List<Object> terms, Map<String, Object> options) {}

    private static Call call(String function, Object[] args) {
        if (args == null || args.length == 0 || !(args[0] instanceof String name)) {
            throw new IllegalArgumentException(function + "() needs a lookup name first, e.g. " + function
                    + "('env', 'HOME')");
        }
        List<Object> terms = new ArrayList<>();
        Map<String, Object> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            Object a = Filters.plain(args[i]);
            if (a instanceof Filters.Kwarg k) options.put(k.name(), Filters.plain(k.value()));
            else if (a instanceof List<?> l) terms.addAll(l);
            else terms.add(a);
        }
        String canonical = name.startsWith("ansible.builtin.") ? name.substring("ansible.builtin.".length()) : name;
        return new Call(canonical, terms, options);
    }

    public boolean defined(String path) {
        VarPath p = VarPath.parse(path);
        if (!vars.containsKey(p.root())) return false;
        try {
            p.walk(vars.get(p.root()), v -> v);
            return true;
        } catch (VarPath.Undefined e) {
            return false;
        }
    }

    public boolean undefined(String path) {
        return !defined(path);
    }

    public boolean failed(Object result) {
        return flag(result, "failed");
    }

    public boolean changed(Object result) {
        return flag(result, "changed");
    }

    public boolean succeeded(Object result) {
        return !flag(result, "failed");
    }

    public boolean skipped(Object result) {
        return flag(result, "skipped");
    }

    public boolean none(Object value) {
        return value == null;
    }

    public boolean string(Object value) {
        return value instanceof String;
    }

    public boolean number(Object value) {
        return value instanceof Number;
    }

    public boolean mapping(Object value) {
        return value instanceof Map;
    }

    public boolean sequence(Object value) {
        return value instanceof List || value instanceof String;
    }

    public boolean bool(Object value) {
        return value instanceof Boolean;
    }

    /** Jinja's {@code a ~ b}: both as text, none as "", booleans as Python writes them. */
    public String concat(Object left, Object right) {
        return text(left) + text(right);
    }

    private static String text(Object v) {
        if (v == null) return "";
        if (v instanceof Boolean b) return b ? "True" : "False";
        return String.valueOf(v);
    }

    private static boolean flag(Object result, String key) {
        if (!(result instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("the '" + key + "' test needs a registered task result (a mapping), got "
                    + dev.jplay.engine.yaml.YamlNode.describe(result));
        }
        return Boolean.TRUE.equals(m.get(key));
    }
}
