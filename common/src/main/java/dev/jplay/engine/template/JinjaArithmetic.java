package dev.jplay.engine.template;

import java.lang.reflect.Array;
import java.math.MathContext;
import java.util.Collection;
import java.util.Map;
import org.apache.commons.jexl3.JexlOperator;

/**
 * {@link ConditionArithmetic} with Jinja's truthiness, for expressions that compute values (inventory plugins'
 * {@code compose}, {@code groups}, {@code keyed_groups}): none, false, 0, "" and empty collections are false, and a
 * null operand of {@code not}/{@code and}/{@code or} is false rather than an error.
 */
final class JinjaArithmetic extends ConditionArithmetic {
    JinjaArithmetic() {
        super(true, null, Integer.MIN_VALUE);
    }

    JinjaArithmetic(boolean strict, MathContext context, int scale) {
        super(strict, context, scale);
    }

    @Override
    protected ConditionArithmetic createWithOptions(boolean strict, MathContext context, int scale) {
        return new JinjaArithmetic(strict, context, scale);
    }

    @Override
    protected boolean toBoolean(boolean strict, Object val) {
        return truthy(val);
    }

    @Override
    public boolean toBoolean(Object val) {
        return truthy(val);
    }

    /** A null operand of {@code not} is false, not an error (JEXL checks nulls before calling {@link #not}). */
    @Override
    public boolean isStrict(JexlOperator operator) {
        return operator != JexlOperator.NOT && super.isStrict(operator);
    }

    @Override
    public Object not(Object val) {
        return !truthy(val);
    }

    static boolean truthy(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return n.doubleValue() != 0;
        if (v instanceof CharSequence s) return s.length() > 0;
        if (v instanceof Collection<?> c) return !c.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        if (v.getClass().isArray()) return Array.getLength(v) > 0;
        return true;
    }
}
