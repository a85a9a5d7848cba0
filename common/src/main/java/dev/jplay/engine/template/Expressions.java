package dev.jplay.engine.template;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.YamlNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * Evaluates {@code when}/{@code failed_when}/{@code changed_when}/{@code until} conditions with Apache JEXL.
 *
 * <p>Ansible conditions are Jinja expressions; the common subset (==, !=, <, and/or/not, in, property and index
 * access, literals) is JEXL syntax too. The differences — {@code is} tests, {@code in}, {@code not} precedence,
 * {@code True/None} — are bridged by {@link ConditionTranslator}'s token-level translation (documented there),
 * then JEXL parses and evaluates a real AST.
 *
 * <p>Sandbox: no {@code new}, no method calls on objects, no class lookup, no assignment, loops, lambdas, pragmas
 * or scripts; the only functions are the {@code jp:} tests. Undefined variables and missing keys are errors (JEXL
 * strict mode, plus {@link StrictMapUberspect} for map keys). A non-boolean result is an error, not truthiness.
 * Variable values holding templates are rendered first, as Ansible does. Thread-safe; translations are cached.
 */
public final class Expressions {
    private static final int CACHE_LIMIT = 10_000;
    private static final Pattern JEXL_PREFIX = Pattern.compile("^\\S*@\\d+:\\d+\\s*");

    private final ValueRenderer renderer;
    private final Lookups lookups;
    private final JexlEngine jexl;
    private final JexlEngine jinja;
    private final Map<String, JexlExpression> compiled = new ConcurrentHashMap<>();
    private final Map<String, JexlExpression> compiledValues = new ConcurrentHashMap<>();
    private final Map<String, JexlExpression> compiledParts = new ConcurrentHashMap<>();
    private final Map<String, JexlExpression> compiledValueParts = new ConcurrentHashMap<>();

    public Expressions(ValueRenderer renderer) {
        this(renderer, Lookups.NONE);
    }

    /** {@code lookups} serve {@code lookup(...)}/{@code query(...)} in expressions. */
    public Expressions(ValueRenderer renderer, Lookups lookups) {
        this.renderer = renderer;
        this.lookups = lookups;
        this.jexl = engine(new ConditionArithmetic());
        this.jinja = engine(new JinjaArithmetic());
    }

    private static JexlEngine engine(ConditionArithmetic arithmetic) {
        JexlFeatures features = new JexlFeatures()
                .newInstance(false).methodCall(false).loops(false).lambda(false).sideEffect(false)
                .sideEffectGlobal(false).localVar(false).pragma(false).annotation(false).script(false)
                .importPragma(false).namespacePragma(false)
                .namespaceTest(ns -> ns.equals("jp"));
        JexlPermissions permissions = new JexlPermissions.ClassPermissions(JexlPermissions.RESTRICTED,
                AnsibleTests.class);
        JexlEngine plain = new JexlBuilder().permissions(permissions).create();
        return new JexlBuilder()
                .features(features)
                .permissions(permissions)
                .uberspect(new StrictMapUberspect(plain.getUberspect()))
                .arithmetic(arithmetic)
                .strict(true).safe(false).silent(false)
                .cache(0)
                .create();
    }

    /**
     * True when every condition holds. {@code condition} is a Boolean, an expression String, or a List of those
     * (ANDed; empty = true).
     *
     * @throws TemplateException for undefined variables, syntax errors or non-boolean results, at {@code where}
     */
    public boolean test(Object condition, Map<String, Object> vars, Location where) {
        if (condition instanceof List<?> all) {
            for (Object c : all) {
                if (!test(c, vars, where)) return false;
            }
            return true;
        }
        if (condition instanceof Boolean b) return b;
        if (!(condition instanceof String text)) {
            throw new TemplateException(where, "a condition must be a string or a boolean, got "
                    + YamlNode.describe(condition));
        }
        Object result = evaluate(text, vars, where);
        if (result instanceof Boolean b) return b;
        throw new TemplateException(where, "condition '" + text + "' evaluated to " + YamlNode.describe(result)
                + (result == null ? "" : " (" + result + ")") + ", not a boolean");
    }

    /** Evaluates one expression to its value. */
    public Object evaluate(String expression, Map<String, Object> vars, Location where) {
        return evaluate(compile(jexl, compiled, expression, where), expression, vars, where, false);
    }

    /**
     * Evaluates an expression that computes a value rather than a condition (an inventory plugin's composed
     * variable or group key), with Jinja's semantics where conditions are strict: {@code not}, {@code and} and
     * {@code or} take any value by its truthiness (none, false, 0, "" and empty collections are false), and a
     * list literal is a List.
     *
     * @throws TemplateException as {@link #evaluate}; {@link TemplateException#variable()} names what is undefined
     */
    public Object value(String expression, Map<String, Object> vars, Location where) {
        return lists(evaluate(compile(jinja, compiledValues, expression, where), expression, vars, where, true));
    }

    /** {@link #value}'s truthiness (Jinja's), e.g. an inventory plugin's group membership. */
    public boolean truthy(String expression, Map<String, Object> vars, Location where) {
        return JinjaArithmetic.truthy(value(expression, vars, where));
    }

    /** Parses an expression without evaluating it, so that bad syntax is reported where it is written. */
    public void check(String expression, Location where) {
        compile(jinja, compiledValues, expression, where);
    }

    private Object evaluate(JexlExpression compiledExpression, String expression, Map<String, Object> vars,
                            Location where, boolean value) {
        String kind = value ? "expression" : "condition";
        try {
            return compiledExpression.evaluate(new Context(vars, where, value));
        } catch (JexlException.Variable e) {
            String name = e.getVariable();
            String problem = e.isUndefined() ? "undefined variable '" + name + "'" : "variable '" + name + "' is null";
            throw new TemplateException(where, problem + " in " + kind + " '" + expression + "'", name, e);
        } catch (JexlException.Property e) {
            throw new TemplateException(where, "undefined key '" + e.getProperty() + "' in " + kind + " '" + expression
                    + "'", e.getProperty(), e);
        } catch (JexlException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TemplateException te) throw te;
            String why = cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                    ? cause.getMessage() : clean(e);
            throw new TemplateException(where, "cannot evaluate " + kind + " '" + expression + "': " + why, null, e);
        }
    }

    /**
     * A translated sub-expression (the operand of {@code default}) evaluated where being undefined is a value:
     * an undefined variable or key, or a filter whose result is undefined ({@link Filters.UndefinedResult}), gives
     * {@link Filters#UNDEFINED}; other errors propagate.
     */
    private Object attempt(String jexlText, Context context) {
        JexlEngine engine = context.value ? jinja : jexl;
        Map<String, JexlExpression> cache = context.value ? compiledValueParts : compiledParts;
        JexlExpression e = cache.get(jexlText);
        if (e == null) {
            e = engine.createExpression(jexlText);
            if (cache.size() >= CACHE_LIMIT) cache.clear();
            cache.put(jexlText, e);
        }
        try {
            return lists(e.evaluate(context));
        } catch (JexlException.Variable x) {
            if (x.isUndefined()) return Filters.UNDEFINED;
            return null;
        } catch (JexlException.Property x) {
            return Filters.UNDEFINED;
        } catch (JexlException x) {
            if (x.getCause() instanceof TemplateException te && te.variable() != null) return Filters.UNDEFINED;
            for (Throwable c = x.getCause(); c != null; c = c.getCause()) {
                if (c instanceof Filters.UndefinedResult) return Filters.UNDEFINED;
            }
            throw x;
        } catch (TemplateException te) {
            if (te.variable() != null) return Filters.UNDEFINED;
            throw te;
        }
    }

    private String kind(JexlEngine engine) {
        return engine == jinja ? "expression" : "condition";
    }

    private JexlExpression compile(JexlEngine engine, Map<String, JexlExpression> cache, String expression,
                                          Location where) {
        JexlExpression e = cache.get(expression);
        if (e != null) return e;
        String translated;
        try {
            translated = ConditionTranslator.translate(expression);
        } catch (IllegalArgumentException ex) {
            throw new TemplateException(where, "invalid " + kind(engine) + " '" + expression + "': " + ex.getMessage(),
                    null, ex);
        }
        try {
            e = engine.createExpression(translated);
        } catch (JexlException ex) {
            throw new TemplateException(where, "invalid " + kind(engine) + " '" + expression + "': " + clean(ex), null, ex);
        }
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(expression, e);
        return e;
    }

    /** JEXL's array literals ({@code [a, b]}) as Lists, the type every other list value has. */
    private static Object lists(Object value) {
        if (value == null || !value.getClass().isArray()) return value;
        int n = java.lang.reflect.Array.getLength(value);
        List<Object> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(lists(java.lang.reflect.Array.get(value, i)));
        return out;
    }

    private static String clean(JexlException e) {
        return JEXL_PREFIX.matcher(String.valueOf(e.getMessage())).replaceFirst("");
    }

    /** Read-only view of the variables for JEXL; values are rendered (lazy templates) when read. */
    private final class Context implements JexlContext, JexlContext.NamespaceResolver {
        private final Map<String, Object> vars;
        private final Location where;
        private final boolean value;

        Context(Map<String, Object> vars, Location where, boolean value) {
            this.vars = vars;
            this.where = where;
            this.value = value;
        }

        @Override
        public Object get(String name) {
            return renderer.render(vars.get(name), vars, where);
        }

        @Override
        public void set(String name, Object value) {
            throw new UnsupportedOperationException("conditions cannot assign variables");
        }

        @Override
        public boolean has(String name) {
            return vars.containsKey(name);
        }

        @Override
        public Object resolveNamespace(String name) {
            return "jp".equals(name) ? new AnsibleTests(vars, jexlText -> attempt(jexlText, this), this::get, lookups,
                    where)
                    : null;
        }
    }
}
