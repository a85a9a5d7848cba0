package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.connection.SshSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SshOptionsTest {
    @TempDir
    Path dir;

    private static SshOptions parse(Map<String, String> env, String... args) {
        SshOptions o = new SshOptions();
        new CommandLine(o).parseArgs(args);
        o.env = env;
        return o;
    }

    @Test
    void thePassphraseComesFromTheEnvironmentAndIsNeverPrinted() {
        SshSettings s = parse(Map.of(SshOptions.PASSPHRASE_ENV, "s3cret-phrase"), "-u", "deploy").settings();
        assertEquals("s3cret-phrase", s.keyPassphrase());
        assertEquals("deploy", s.remoteUser());
        assertFalse(s.toString().contains("s3cret-phrase"), s.toString());
        assertNull(parse(Map.of()).settings().keyPassphrase());
    }

    @Test
    void askingForThePassphraseWithoutATerminalSaysWhatToDoInstead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--ask-key-passphrase").settings()); // surefire's JVM has no console
        assertTrue(e.getMessage().contains(SshOptions.PASSPHRASE_ENV) && e.getMessage().contains("ssh-agent"), e.getMessage());
    }

    @Test
    void sshConfigIsCheckedUpFrontAndNoneTurnsItOff() throws Exception {
        Path bad = Files.writeString(dir.resolve("config"), "Host a\n  Port 1 2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "-F", bad.toString()).settings());
        assertTrue(e.getMessage().contains(bad + ":2:"), e.getMessage());
        assertNull(parse(Map.of(), "--ssh-config", "none").settings().sshConfig());
        assertEquals(Path.of(System.getProperty("user.home"), ".ssh", "config"), parse(Map.of()).settings().sshConfig());
    }
}
