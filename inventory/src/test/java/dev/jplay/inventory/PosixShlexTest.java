package dev.jplay.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Expected tokens are what Python's shlex.split(line, comments=True) returns. */
class PosixShlexTest {
    private static List<String> split(String line) {
        return PosixShlex.split(line).stream().map(PosixShlex.Token::text).collect(Collectors.toList());
    }

    @Test
    void quotesEscapesAndComments() {
        assertEquals(List.of("h", "x=a"), split("h x=a#b y=1"));
        assertEquals(List.of("h", "y=q r", "z=1", "w=a b"), split("h y=\"q r\" z='1' w=a\\ b # c"));
        assertEquals(List.of("a=\\x\"\\"), split("a=\"\\x\\\"\\\\\""));
        assertEquals(List.of("e="), split("e=''"));
        assertEquals(List.of("'"), split("\"'\""));
    }

    @Test
    void offsetsPointAtTokenStarts() {
        List<PosixShlex.Token> tokens = PosixShlex.split("host  k=v");
        assertEquals(0, tokens.get(0).offset());
        assertEquals(6, tokens.get(1).offset());
    }

    @Test
    void unbalancedQuotesFail() {
        assertEquals("No closing quotation", assertThrows(IllegalArgumentException.class, () -> split("a 'b")).getMessage());
        assertEquals("No escaped character", assertThrows(IllegalArgumentException.class, () -> split("a \\")).getMessage());
    }
}
