package dev.jplay.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values are what Python 3's ast.literal_eval returns (or the raw string where it raises). */
class PythonLiteralTest {
    @Test
    void numbers() {
        assertEquals(1, PythonLiteral.eval("1"));
        assertEquals(-42, PythonLiteral.eval("-42"));
        assertEquals(1000, PythonLiteral.eval("1_000"));
        assertEquals(255, PythonLiteral.eval("0xff"));
        assertEquals(8, PythonLiteral.eval("0o10"));
        assertEquals(5, PythonLiteral.eval("0b101"));
        assertEquals(12345678901L, PythonLiteral.eval("12345678901"));
        assertEquals(new BigInteger("123456789012345678901234"), PythonLiteral.eval("123456789012345678901234"));
        assertEquals(1.5, PythonLiteral.eval("1.5"));
        assertEquals(0.5, PythonLiteral.eval(".5"));
        assertEquals(1000.0, PythonLiteral.eval("1e3"));
        assertEquals(0, PythonLiteral.eval("00"));
    }

    @Test
    void nonLiteralsStayStrings() {
        for (String raw : List.of("0755", "yes", "two words", "1_", "1__0", "--1", "-True", "foo()", "1 + 2", "", "'unclosed", "[1,", "a=b")) {
            assertEquals(raw, PythonLiteral.eval(raw), raw);
        }
        // Python makes a complex number here, which JSON cannot carry: jplay keeps the text.
        assertEquals("1j", PythonLiteral.eval("1j"));
    }

    @Test
    void constantsStringsAndContainers() {
        assertEquals(true, PythonLiteral.eval("True"));
        assertEquals(false, PythonLiteral.eval("False"));
        assertNull(PythonLiteral.eval("None"));
        assertEquals("q", PythonLiteral.eval("\"q\""));
        assertEquals("it's", PythonLiteral.eval("'it\\'s'"));
        assertEquals("a\nb\u00e9", PythonLiteral.eval("'a\\nb\\xe9'"));
        assertEquals("a\\d", PythonLiteral.eval("r'a\\d'"));
        assertEquals("ab", PythonLiteral.eval("'a' \"b\""));
        assertEquals(List.of(1, 2, "x"), PythonLiteral.eval("[1,2,'x']"));
        assertEquals(List.of(1, 2), PythonLiteral.eval("(1, 2,)"));
        assertEquals(3, PythonLiteral.eval("(3)"));
        Map<Object, Object> expected = new LinkedHashMap<>();
        expected.put("a", 1);
        expected.put("b", Arrays.asList(null, true));
        assertEquals(expected, PythonLiteral.eval(" {'a': 1, 'b': [None, True]}  # comment"));
    }
}
