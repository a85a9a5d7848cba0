package dev.jplay.engine.template;

import java.math.MathContext;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlArithmetic;

/**
 * JEXL arithmetic with Jinja's {@code in}: a substring test on strings (JEXL's default would be a regex match)
 * and a key test on mappings; lists keep JEXL's element test.
 */
public class ConditionArithmetic extends JexlArithmetic {
    public ConditionArithmetic() {
        super(true);
    }

    public ConditionArithmetic(boolean strict, MathContext context, int scale) {
        super(strict, context, scale);
    }

    @Override
    protected JexlArithmetic createWithOptions(boolean strict, MathContext context, int scale) {
        return new ConditionArithmetic(strict, context, scale);
    }

    @Override
    public Boolean contains(Object container, Object value) {
        if (container instanceof String s) return value != null && s.contains(String.valueOf(value));
        if (container instanceof Map<?, ?> m) return m.containsKey(value);
        // JEXL compiles a string literal on the right of =~ into a Pattern; for Jinja's "in" it is still a string.
        if (container instanceof Pattern p) return value != null && p.pattern().contains(String.valueOf(value));
        return super.contains(container, value);
    }
}
