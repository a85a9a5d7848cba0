package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecCommandTest {
    @Test
    void theCommandIsEverythingAfterNameOrAfterTheDoubleDash() {
        assertEquals(new ExecCommand.Target("web-0", List.of("ls", "-la")), ExecCommand.split(List.of("web-0", "ls", "-la"), List.of()));
        assertEquals(new ExecCommand.Target("web-0", List.of("ls", "--", "x")),
                ExecCommand.split(List.of("web-0", "--", "ls", "--", "x"), List.of()));
        // "--" before every positional is consumed by picocli: no NAME (--all over every instance).
        assertEquals(new ExecCommand.Target(null, List.of("uptime")), ExecCommand.split(List.of("uptime"), List.of("--all", "--", "uptime")));
        assertEquals(new ExecCommand.Target(null, List.of()), ExecCommand.split(List.of(), List.of()));
    }

    @Test
    void anAppMatchesItsIndexedInstancesOnly() {
        assertTrue(ExecCommand.matches("web", "web-12"));
        assertTrue(ExecCommand.matches("web-1", "web-1"));
        assertTrue(ExecCommand.matches(null, "anything"));
        assertFalse(ExecCommand.matches("web", "web-api-0"));
        assertFalse(ExecCommand.matches("web", "webby-0"));
        assertFalse(ExecCommand.matches("web-1", "web-12"));
    }

    @Test
    void optionsAfterNameBelongToTheCommandAndBadInputIsJplaysOwnError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int noCommand;
        int envWithoutValue;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            noCommand = Main.execute("exec", "-i", "h1,", "web-0");
            envWithoutValue = Main.execute("exec", "-i", "h1,", "-e", "NOVALUE", "web-0", "ls", "-la");
        } finally {
            System.setErr(old);
        }
        assertEquals(125, noCommand);
        assertEquals(125, envWithoutValue);
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("jplay: exec: no command given"), said);
        assertTrue(said.contains("jplay: exec: --env takes KEY=VALUE, got 'NOVALUE'"), said);
    }

    @Test
    void theAllTableShowsTheFirstLineOfOutputOrTheError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecCommand.printTable(new PrintStream(out, true, StandardCharsets.UTF_8), List.of(
                new ExecCommand.Row("h1", "web-0", 0, "\nfirst\nsecond\n", "", null, false),
                new ExecCommand.Row("h2", "web-1", 1, "", "boom\n", null, false),
                new ExecCommand.Row("h3", "web-2", null, null, null, "exec/CONTAINER_NOT_RUNNING: stopped", false)));
        assertEquals("""
                HOST  INSTANCE  EXIT  OUTPUT
                h1    web-0     0     first
                h2    web-1     1     boom
                h3    web-2     -     exec/CONTAINER_NOT_RUNNING: stopped
                """, out.toString(StandardCharsets.UTF_8));
    }
}
