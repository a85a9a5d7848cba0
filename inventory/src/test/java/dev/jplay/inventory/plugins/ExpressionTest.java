package dev.jplay.inventory.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionTest {
    private static final Map<String, Object> VARS = vars();

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
        return Expression.parse(text).test(VARS);
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
        Expression.Undefined e = assertThrows(Expression.Undefined.class, () -> test("region == 'x'"));
        assertTrue(e.getMessage().contains("region"), e.getMessage());
    }

    @Test
    void valuesAndConcatenation() {
        assertEquals("prod-web07.example.com", Expression.parse("env ~ '-' ~ name").evaluate(VARS));
        assertEquals(List.of("prod", 8L), Expression.parse("[env, 8]").evaluate(VARS));
        assertEquals("eu-1a", Expression.parse("meta.zone").evaluate(VARS));
        assertEquals(true, Expression.parse("True").evaluate(VARS));
    }

    @Test
    void rejectsWhatIsNotInTheLanguage() {
        for (String bad : List.of("env ==", "name.startswith('web')", "x = 1", "a | upper", "'open", "env is odd", "(env")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Expression.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> test("tags > 3"));
    }
}
