package dev.jplay.modules.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void splitsOnWhitespaceAndKeepsQuotedTextTogether() {
        assertEquals(List.of("echo", "a b", "c"), CommandLine.split("  echo 'a b'\tc  "));
        assertEquals(List.of("say", "it's \"fine\""), CommandLine.split("say \"it's \\\"fine\\\"\""));
        assertEquals(List.of("a b", "x"), CommandLine.split("a\\ b x"));
        assertEquals(List.of("ab"), CommandLine.split("'a'\"b\""));
        assertEquals(List.of(""), CommandLine.split("''"));
    }

    @Test
    void expandsNothing() {
        assertEquals(List.of("echo", "$HOME", "*", "|", "a;b", "\\n"), CommandLine.split("echo $HOME * | a;b '\\n'"));
        // inside double quotes only \" and \\ are escapes, as in shlex
        assertEquals(List.of("a\\$b"), CommandLine.split("\"a\\$b\""));
    }

    @Test
    void rejectsUnterminatedQuotes() {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo 'oops"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo \"oops"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo oops\\"));
    }
}
