package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jplay.engine.run.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jplay vault} against the real {@code ansible-vault}: each reads what the other writes, 1.1 and 1.2. */
class VaultCommandTest {
    @TempDir
    Path dir;
    Path pw;

    @BeforeEach
    void setUp() throws IOException {
        pw = dir.resolve("pw");
        Files.writeString(pw, "vault-test-pw\n");
    }

    private static boolean ansibleVault() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, "ansible-vault"))) return true;
        return false;
    }

    private String ansibleVault(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ansible-vault"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "ansible-vault " + String.join(" ", args));
        return out;
    }

    private String jplay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(ExitCodes.OK, Main.execute(args));
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ansibleVaultReadsWhatJplayWritesAndTheReverse() throws Exception {
        assumeTrue(ansibleVault(), "ansible-vault is not installed");
        Path a = dir.resolve("a.yml");
        Files.writeString(a, "db: hunter2\n");
        jplay("vault", "encrypt", "--vault-password-file", pw.toString(), a.toString());
        assertTrue(Files.readString(a).startsWith("$ANSIBLE_VAULT;1.1;AES256\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
        assertEquals("db: hunter2\n", ansibleVault("view", "--vault-password-file", pw.toString(), a.toString()));

        Path b = dir.resolve("b.yml");
        Files.writeString(b, "x: 1\n");
        jplay("vault", "encrypt", "--vault-id", "prod@" + pw, b.toString());
        assertTrue(Files.readString(b).startsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n"));
        assertEquals("x: 1\n", ansibleVault("view", "--vault-id", "prod@" + pw, b.toString()));

        Path c = dir.resolve("c.yml");
        Files.writeString(c, "from: ansible\n");
        ansibleVault("encrypt", "--vault-id", "dev@" + pw, c.toString());
        assertEquals("from: ansible\n", jplay("vault", "view", "--vault-id", "dev@" + pw, c.toString()));
        jplay("vault", "decrypt", "--vault-password-file", pw.toString(), c.toString());
        assertEquals("from: ansible\n", Files.readString(c));

        String value = jplay("vault", "encrypt_string", "--vault-password-file", pw.toString(), "--name", "token", "t0ken-value");
        assertTrue(value.startsWith("token: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n"), value);
        Path vars = dir.resolve("vars.yml");
        Files.writeString(vars, value);
        String shown = new String(new ProcessBuilder("ansible", "localhost", "-m", "debug", "-a", "var=token", "-e", "@" + vars,
                "--vault-password-file", pw.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start().getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(shown.contains("\"token\": \"t0ken-value\""), shown);
    }

    @Test
    void aPasswordScriptsStdoutIsThePasswordAndAWrongOneNamesTheFile() throws Exception {
        Path script = dir.resolve("pass.sh");
        Files.writeString(script, "#!/bin/sh\necho vault-test-pw\n");
        script.toFile().setExecutable(true);
        Path a = dir.resolve("a.yml");
        Files.writeString(a, "k: v\n");
        jplay("vault", "encrypt", "--vault-password-file", script.toString(), a.toString());
        assertEquals("k: v\n", jplay("vault", "view", "--vault-password-file", pw.toString(), a.toString()));
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "not-it\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(ExitCodes.BAD_INPUT, Main.execute("vault", "view", "--vault-password-file", wrong.toString(), a.toString()));
        } finally {
            System.setErr(old);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains(a + ": no vault password given opens it"), message);
        assertFalse(message.contains("not-it"));
    }
}
