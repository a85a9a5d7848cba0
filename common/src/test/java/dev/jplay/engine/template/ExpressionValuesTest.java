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

/**
 * The condition language evaluated for values ({@link Expressions#value}, {@link Expressions#truthy}), as the
 * inventory's {@code jplay.constructed} plugin uses it: what its own expression language did before it used this one.
 */
class ExpressionValuesTest {
    private static final Map<String, Object> VARS = vars();
    private static final Location AT = Location.startOf(Path.of("constructed.yml"));
    private static final Expressions EXPRESSIONS = new Expressions(ValueRenderer.NONE);

    private static Map<String, Object> vars() {
        Map<String, Object> v = new HashMap<>();
        v.put("env", "prod");
        v.put("tags", List.of("web", "edge"));
        v.put("cpu", 8);
        v.put("meta", Map.of("zone", "eu-1a", "ids", List.of(3, 4)));
        v.put("nothing", null);
        v.put("name", "web07.example.com");
        return v;
    }

    private static boolean test(String text) {
        return EXPRESSIONS.truthy(text, VARS, AT);
    }

    private static Object evaluate(String text) {
        return EXPRESSIONS.value(text, VARS, AT);
    }

    @Test
    void comparisonsAndBooleanLogic() {
        assertTrue(test("env == 'prod'"));
        assertFalse(test("env != \"prod\""));
        assertTrue(test("cpu >= 8 and cpu < 16.5"));
        assertTrue(test("not cpu > 8 or env == 'dev'"));
        assertFalse(test("not (cpu == 8)"));
        assertTrue(test("'b' < 'c'"));
    }

    @Test
    void membershipInListsMapsAndStrings() {
        assertTrue(test("'web' in tags"));
        assertTrue(test("'db' not in tags"));
        assertTrue(test("'zone' in meta"));
        assertTrue(test("'example' in name"));
        assertTrue(test("4 in meta.ids"));
        assertTrue(test("tags[-1] == 'edge' and meta['zone'] == 'eu-1a'"));
    }

    @Test
    void definednessAndNone() {
        assertTrue(test("env is defined"));
        assertTrue(test("region is undefined"));
        assertTrue(test("region is not defined"));
        assertTrue(test("meta.zone is defined and meta.rack is not defined"));
        assertTrue(test("nothing is none"));
        assertFalse(test("nothing"));
        TemplateException e = assertThrows(TemplateException.class, () -> test("region == 'x'"));
        assertEquals("region", e.variable(), "undefined, named");
        assertTrue(e.getMessage().contains("region"), e.getMessage());
    }

    @Test
    void valuesAndConcatenation() {
        assertEquals("prod-web07.example.com", evaluate("env ~ '-' ~ name"));
        assertEquals(List.of("prod", 8), evaluate("[env, 8]"), "a list literal is a List (integer literals are Integers here)");
        assertEquals("eu-1a", evaluate("meta.zone"));
        assertEquals(true, evaluate("True"));
    }

    @Test
    void rejectsWhatIsNotInTheLanguage() {
        for (String bad : List.of("env ==", "name.encode('ascii')", "x = 1", "a | nosuchfilter", "'open", "env is nosuchtest", "(env")) {
            TemplateException e = assertThrows(TemplateException.class, () -> EXPRESSIONS.check(bad, AT), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        TemplateException e = assertThrows(TemplateException.class, () -> test("tags > 3"));
        assertEquals(null, e.variable(), "a wrong expression, not an undefined variable");
    }
}
