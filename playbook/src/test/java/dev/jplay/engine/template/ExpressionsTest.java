package dev.jplay.engine.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.Location;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionsTest {
    private static final Location AT = new Location(Path.of("site.yml"), 12, 13);
    private final Expressions expressions = new Expressions(new Templater());
    private final Map<String, Object> vars = new HashMap<>(Map.of(
            "result", Map.of("rc", 0, "stdout", "hello world", "changed", true, "failed", false),
            "bad", Map.of("rc", 2, "failed", true, "changed", false),
            "skip", Map.of("skipped", true, "changed", false),
            "env", "prod",
            "count", 3,
            "users", List.of("alice", "bob"),
            "flag", true));

    private boolean test(Object condition) {
        return expressions.test(condition, vars, AT);
    }

    @Test
    void comparisonsAndBooleanOperators() {
        assertTrue(test("result.rc == 0"));
        assertTrue(test("env != 'dev' and count > 2"));
        assertTrue(test("count < 2 or env == \"prod\""));
        assertFalse(test("not flag"));
        assertTrue(test("count >= 3 and not (env == 'dev')"));
    }

    @Test
    void concatenationAndIndexesFromTheEndAsInJinja() {
        assertTrue(test("env ~ '-' ~ count == 'prod-3'"));
        assertTrue(test("users[0] ~ flag == 'aliceTrue'"), "booleans as Python writes them");
        assertTrue(test("users[-1] == 'bob' and users[-2] == 'alice'"));
        TemplateException e = assertThrows(TemplateException.class, () -> test("users[-3] == 'x'"));
        assertTrue(e.getMessage().startsWith("site.yml:12:13: undefined key '-3'"), e.getMessage());
        assertTrue(assertThrows(TemplateException.class, () -> test("env ~ == 'x'")).getMessage()
                .contains("'~' needs a value on its right"));
    }

    @Test
    void notBindsLooserThanComparisonsAsInJinja() {
        assertTrue(test("not count == 4"));
        assertFalse(test("not count == 3 or false"));
        assertTrue(test("not not flag"));
    }

    @Test
    void membership() {
        assertTrue(test("'world' in result.stdout"));
        assertFalse(test("'o w' not in result.stdout"));
        assertTrue(test("'bob' in users"));
        assertTrue(test("'carol' not in users"));
        assertTrue(test("'rc' in result"));
        assertTrue(test("'.' not in result.stdout"));
    }

    @Test
    void isDefinedGuardsUndefinedVariables() {
        assertTrue(test("result is defined"));
        assertFalse(test("missing is defined"));
        assertTrue(test("missing is not defined"));
        assertTrue(test("missing is undefined"));
        assertFalse(test("result.stderr is defined"));
        assertTrue(test("users[1] is defined and users[2] is not defined"));
        assertFalse(test("missing is defined and missing.rc == 0"));
    }

    @Test
    void resultTests() {
        assertTrue(test("result is succeeded"));
        assertTrue(test("result is success and result is changed"));
        assertTrue(test("bad is failed"));
        assertTrue(test("bad is not changed"));
        assertTrue(test("skip is skipped"));
        assertFalse(test("result is skipped"));
    }

    @Test
    void jinjaLiteralsAndWrappedConditions() {
        assertTrue(test("flag == True"));
        assertTrue(test("{{ result.rc == 0 }}"));
        vars.put("nothing", null);
        assertTrue(test("nothing is none and True"));
        assertTrue(test("nothing == None"));
        assertTrue(assertThrows(TemplateException.class, () -> test("result.missing is none")).problem()
                .startsWith("undefined key 'missing'"));
    }

    @Test
    void stringLiteralsAreNotTranslated() {
        vars.put("msg", "x is defined");
        assertTrue(test("msg == 'x is defined'"));
        assertTrue(test("'not' in 'not in'"));
    }

    @Test
    void listsAndBooleansAndTogether() {
        assertTrue(test(List.of("flag", true, "count == 3")));
        assertFalse(test(List.of("flag", "count == 4")));
        assertFalse(test(false));
        assertTrue(test(List.of()));
    }

    @Test
    void undefinedVariableIsALocatedError() {
        TemplateException e = assertThrows(TemplateException.class, () -> test("missing == 1"));
        assertEquals("missing", e.variable());
        assertEquals(AT, e.location());
        assertEquals("site.yml:12:13: undefined variable 'missing' in condition 'missing == 1'", e.getMessage());
        TemplateException key = assertThrows(TemplateException.class, () -> test("result.stderr == ''"));
        assertEquals("stderr", key.variable());
        assertTrue(key.problem().startsWith("undefined key 'stderr'"), key.problem());
    }

    @Test
    void nonBooleanResultIsAnError() {
        TemplateException e = assertThrows(TemplateException.class, () -> test("result.stdout"));
        assertEquals("condition 'result.stdout' evaluated to a string (hello world), not a boolean", e.problem());
        assertThrows(TemplateException.class, () -> test("count"));
    }

    @Test
    void variablesHoldingTemplatesAreRendered() {
        vars.put("target", "{{ env }}");
        assertTrue(test("target == 'prod'"));
    }

    @Test
    void sandboxRejectsJavaAccess() {
        for (String attack : List.of("result.getClass() == null", "new('java.io.File', '/') == null",
                "users.clear() == null", "env.length() == 4", "x = 1", "java.lang.System.exit(1) == 1")) {
            TemplateException e = assertThrows(TemplateException.class, () -> test(attack), attack);
            assertEquals(AT, e.location());
        }
        assertEquals(List.of("alice", "bob"), vars.get("users"));
    }

    @Test
    void unsupportedJinjaIsExplained() {
        assertTrue(assertThrows(TemplateException.class, () -> test("x | nosuchfilter == 1")).problem()
                .contains("unknown filter 'nosuchfilter'"));
        assertTrue(assertThrows(TemplateException.class, () -> test("x is nosuchtest")).problem()
                .contains("unknown test 'nosuchtest'"));
    }

    @Test
    void filtersTestsWithArgumentsAndExpressionsAsDefinedOperands() {
        assertTrue(test("x | default(1) == 1"));
        assertTrue(test("users | length > 1 and users | first == 'alice'"));
        assertTrue(test("'2.10' is version('2.9', '>')"));
        assertTrue(test("(1 + 2) is defined"));
        assertFalse(test("result['nope'] is defined"));
        assertTrue(test("users[5] is undefined"));
    }

    @Test
    void translation() {
        assertEquals("!jp:defined(\"a.b[0]\") && !(x =~ y)",
                ConditionTranslator.translate("a.b[0] is not defined && not x in y"));
        assertEquals("jp:failed(r.results[0]) || x !~ 'a b'",
                ConditionTranslator.translate("r.results[0] is failure || x not in 'a b'"));
    }
}
