package dev.jplay.engine.template;

import java.util.List;
import java.util.Map;

/**
 * Ansible's Jinja tests, reached from JEXL as {@code jp:NAME(x)} after {@link ConditionTranslator} rewrote
 * {@code x is NAME}. One instance per evaluation, bound to that evaluation's variables. Result tests read the
 * keys modules put in a registered result: {@code failed}, {@code changed}, {@code skipped}.
 */
public final class AnsibleTests {
    private final Map<String, Object> vars;

    AnsibleTests(Map<String, Object> vars) {
        this.vars = vars;
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
