package dev.jplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafeTextTest {
    @Test
    void terminalCodesGoAndForbiddenCharactersAreReplaced() {
        assertEquals("red plain", SafeText.clean("\u001B[1;31mred\u001B[0m plain"));
        assertEquals("title", SafeText.clean("\u001B]0;window\u0007title"));
        assertEquals("a\uFFFDb\tc\r\nd", SafeText.clean("a\u0000b\tc\r\nd"));
        assertEquals("x\uFFFDy", SafeText.clean("x\uD800y"), "a lone surrogate is not a character");
        assertEquals("emoji \uD83D\uDE00", SafeText.clean("emoji \uD83D\uDE00"));
        assertEquals("", SafeText.clean(null));
    }

    @Test
    void tailKeepsTheEndFromALineStart() {
        String text = "first line\n" + "x".repeat(50) + "\nlast line\n";
        String tail = SafeText.tail(text, 30);
        assertTrue(tail.endsWith("\nlast line\n"), tail);
        assertTrue(tail.startsWith("[… "), tail);
        assertEquals("short", SafeText.tail("short", 30));
    }
}
