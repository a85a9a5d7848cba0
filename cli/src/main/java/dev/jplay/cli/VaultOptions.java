package dev.jplay.cli;

import dev.jplay.engine.vault.VaultSecrets;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * Ansible Vault passwords on the command line, as ansible-playbook spells them; a picocli mixin. A password file
 * is read (stripped, as Ansible reads it) or, when executable, run: its stdout is the password. {@code prompt} as a
 * source asks on the terminal without echo (one line of stdin when there is none). Passwords are never option
 * values, so never in a process list, and never printed.
 */
final class VaultOptions {
    /** How long a password script may take (Ansible waits forever; a hung script must not hang the run). */
    static final long SCRIPT_DEADLINE_SECONDS = 60;

    @Option(names = "--vault-password-file", paramLabel = "FILE",
            description = "Vault password file (an executable file: its stdout); repeatable. Default: $ANSIBLE_VAULT_PASSWORD_FILE.")
    List<Path> passwordFiles = new ArrayList<>();

    @Option(names = {"-J", "--ask-vault-pass", "--ask-vault-password"}, description = "Ask for the vault password.")
    boolean ask;

    @Option(names = "--vault-id", paramLabel = "LABEL@SOURCE",
            description = "A vault id and where its password is: a file, an executable file, or 'prompt'; repeatable.")
    List<String> vaultIds = new ArrayList<>();

    /** The passwords these options name (none when none), read now. */
    VaultSecrets keyring(Map<String, String> env, boolean confirmPrompts) throws IOException {
        List<VaultSecrets.Secret> out = new ArrayList<>();
        for (String id : vaultIds) {
            int at = id.indexOf('@');
            String label = at < 0 ? "default" : id.substring(0, at);
            String source = at < 0 ? id : id.substring(at + 1);
            if (label.isBlank() || source.isBlank()) throw new IllegalArgumentException("--vault-id must be LABEL@SOURCE or SOURCE, got '" + id + "'");
            out.add(new VaultSecrets.Secret(label, source.equals("prompt") ? prompt(label, confirmPrompts) : fromFile(Path.of(source))));
        }
        List<Path> files = new ArrayList<>(passwordFiles);
        String envFile = env.get("ANSIBLE_VAULT_PASSWORD_FILE");
        if (files.isEmpty() && vaultIds.isEmpty() && !ask && envFile != null && !envFile.isBlank()) files.add(Path.of(envFile));
        for (Path f : files) out.add(new VaultSecrets.Secret("default", fromFile(f)));
        if (ask) out.add(new VaultSecrets.Secret("default", prompt("default", confirmPrompts)));
        return new VaultSecrets(out);
    }

    /** Reads the passwords and installs them for every file read from now on. */
    void install(Map<String, String> env) {
        try {
            VaultSecrets.install(keyring(env, false));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read a vault password: " + e.getMessage(), e);
        }
    }

    boolean given(Map<String, String> env) {
        return ask || !passwordFiles.isEmpty() || !vaultIds.isEmpty() || env.get("ANSIBLE_VAULT_PASSWORD_FILE") != null;
    }

    static byte[] fromFile(Path file) throws IOException {
        if (!Files.exists(file)) throw new IllegalArgumentException("vault password file " + file + " not found");
        byte[] password;
        if (Files.isExecutable(file) && !Files.isDirectory(file)) {
            password = stripNewlines(runScript(file));
        } else {
            password = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        }
        if (password.length == 0) throw new IllegalArgumentException("vault password from " + file + " is empty");
        return password;
    }

    private static byte[] runScript(Path script) throws IOException {
        Process p = new ProcessBuilder(script.toAbsolutePath().toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(stdout);
            } catch (IOException ignored) {
                // the exit status says what went wrong
            }
        }, "vault-password-script");
        reader.start();
        try {
            if (!p.waitFor(SCRIPT_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalArgumentException("vault password script " + script + " did not finish within " + SCRIPT_DEADLINE_SECONDS + " s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running vault password script " + script);
        }
        if (p.exitValue() != 0) {
            throw new IllegalArgumentException("vault password script " + script + " failed with exit status " + p.exitValue());
        }
        return stdout.toByteArray();
    }

    private static byte[] stripNewlines(byte[] b) {
        int start = 0;
        int end = b.length;
        while (start < end && (b[start] == '\r' || b[start] == '\n')) start++;
        while (end > start && (b[end - 1] == '\r' || b[end - 1] == '\n')) end--;
        return Arrays.copyOfRange(b, start, end);
    }

    private static byte[] prompt(String label, boolean confirm) throws IOException {
        String what = label.equals("default") ? "Vault password" : "Vault password (" + label + ")";
        Console console = System.console();
        String password;
        if (console != null) {
            char[] pw = console.readPassword((confirm ? "New " : "") + what + ": ");
            password = pw == null ? "" : new String(pw);
            if (confirm) {
                char[] again = console.readPassword("Confirm New " + what + ": ");
                if (again == null || !password.equals(new String(again))) throw new IllegalArgumentException("vault passwords do not match");
            }
        } else { // no terminal (a pipe, CI): one line from stdin
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? "" : line;
        }
        if (password.isEmpty()) throw new IllegalArgumentException("empty vault password");
        return password.getBytes(StandardCharsets.UTF_8);
    }
}
