package dev.jplay.cli;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.vault.VaultException;
import dev.jplay.engine.vault.VaultFormat;
import dev.jplay.engine.vault.VaultSecrets;
import dev.jplay.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jplay vault encrypt|decrypt|view|edit|encrypt_string}: Ansible Vault files and values that
 * {@code ansible-vault} reads, and reads what it writes (format 1.1, or 1.2 with a vault id). Files are rewritten
 * atomically, readable by their owner only; plaintext never touches the disk except in {@code edit}'s temporary
 * file (0600, deleted afterwards), as ansible-vault does.
 */
@Command(name = "vault", mixinStandardHelpOptions = true,
        description = "Encrypt and decrypt Ansible Vault files and values (compatible with ansible-vault).",
        subcommands = {VaultCommand.Encrypt.class, VaultCommand.Decrypt.class, VaultCommand.View.class,
                VaultCommand.Edit.class, VaultCommand.EncryptString.class})
public final class VaultCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("jplay vault: name a subcommand: encrypt, decrypt, view, edit, encrypt_string");
        return ExitCodes.BAD_INPUT;
    }

    /** What every subcommand shares: the passwords and the vault id to encrypt with. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        VaultOptions vault;

        @Option(names = "--encrypt-vault-id", paramLabel = "LABEL", description = "The vault id to encrypt with (default: the first password's).")
        String encryptVaultId;

        abstract boolean encrypts();

        abstract int run(VaultSecrets keyring) throws IOException;

        @Override
        public Integer call() {
            try {
                if (!vault.given(System.getenv())) vault.ask = true; // as ansible-vault: ask when nothing else says
                return run(vault.keyring(System.getenv(), encrypts()));
            } catch (VaultException | IllegalArgumentException e) {
                System.err.println("jplay vault: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            } catch (IOException e) {
                System.err.println("jplay vault: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }

        String label(VaultSecrets keyring) {
            return encryptVaultId != null ? encryptVaultId : keyring.secrets().get(0).label();
        }

        static String read(Path file) throws IOException {
            if (file.toString().equals("-")) return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file");
            return Files.readString(file, StandardCharsets.UTF_8);
        }

        static void write(Path file, String text) throws IOException {
            if (file.toString().equals("-")) {
                System.out.print(text);
                System.out.flush();
                return;
            }
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), AtomicFiles.Option.OWNER_ONLY, AtomicFiles.Option.SYNC_FILE);
        }
    }

    /** encrypt and decrypt: each file rewritten in place (or to --output), refused when already in the other state. */
    abstract static class Rewrite extends Base {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files ('-': stdin).")
        List<Path> files = new ArrayList<>();

        @Option(names = "--output", paramLabel = "FILE", description = "Write here instead ('-': stdout).")
        Path output;

        abstract String rewrite(VaultSecrets keyring, Path file, String text);

        @Override
        int run(VaultSecrets keyring) throws IOException {
            for (Path f : files) {
                String text = read(f);
                if (VaultFormat.isVaulted(text) == encrypts()) {
                    throw new IllegalArgumentException(f + (encrypts() ? ": already vault-encrypted" : ": not vault-encrypted"));
                }
                write(output != null ? output : f, rewrite(keyring, f, text));
                if (output == null || !output.toString().equals("-")) {
                    System.err.println(encrypts() ? "Encryption successful" : "Decryption successful");
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true, description = "Encrypt files in place (or to --output).")
    static final class Encrypt extends Rewrite {
        @Override boolean encrypts() { return true; }

        @Override String rewrite(VaultSecrets keyring, Path file, String text) { return keyring.encrypt(text, label(keyring)); }
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true, description = "Decrypt files in place (or to --output).")
    static final class Decrypt extends Rewrite {
        @Override boolean encrypts() { return false; }

        @Override String rewrite(VaultSecrets keyring, Path file, String text) { return keyring.decrypt(text, file.toString()); }
    }

    @Command(name = "view", mixinStandardHelpOptions = true, description = "Print the plaintext of vault files.")
    static final class View extends Base {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files to show.")
        List<Path> files = new ArrayList<>();

        @Override boolean encrypts() { return false; }

        @Override
        int run(VaultSecrets keyring) throws IOException {
            for (Path f : files) {
                String text = read(f);
                System.out.print(VaultFormat.isVaulted(text) ? keyring.decrypt(text, f.toString()) : text);
            }
            System.out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "edit", mixinStandardHelpOptions = true,
            description = "Edit a vault file in $EDITOR (default vi): decrypted to a private temporary file, encrypted back.")
    static final class Edit extends Base {
        @Parameters(paramLabel = "FILE", description = "The file (created when missing).")
        Path file;

        @Override boolean encrypts() { return !Files.exists(file); }

        @Override
        int run(VaultSecrets keyring) throws IOException {
            String plain = "";
            String label = label(keyring);
            if (Files.exists(file)) {
                String text = read(file);
                if (!VaultFormat.isVaulted(text)) throw new IllegalArgumentException(file + ": not vault-encrypted");
                plain = keyring.decrypt(text, file.toString());
                String written = VaultFormat.envelope(text).label();
                if (encryptVaultId == null && written != null) label = written; // keep the file's vault id
            }
            Path dir = Files.createTempDirectory("jplay-vault-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path tmp = dir.resolve(file.getFileName().toString());
            try {
                AtomicFiles.write(tmp, plain.getBytes(StandardCharsets.UTF_8), AtomicFiles.Option.OWNER_ONLY);
                String editor = System.getenv().getOrDefault("EDITOR", "vi");
                Process p = new ProcessBuilder("/bin/sh", "-c", editor + " \"$1\"", "editor", tmp.toString()).inheritIO().start();
                int status;
                try {
                    status = p.waitFor(); // the user's editor: as long as they edit
                } catch (InterruptedException e) {
                    p.destroy();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while editing");
                }
                if (status != 0) throw new IllegalArgumentException("editor '" + editor + "' exited with status " + status + ": " + file + " left as it was");
                String edited = Files.readString(tmp, StandardCharsets.UTF_8);
                if (edited.equals(plain) && Files.exists(file)) {
                    System.err.println("File not changed: " + file);
                    return ExitCodes.OK;
                }
                write(file, keyring.encrypt(edited, label));
                return ExitCodes.OK;
            } finally {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(dir);
            }
        }
    }

    @Command(name = "encrypt_string", aliases = "encrypt-string", mixinStandardHelpOptions = true,
            description = "Encrypt a value for a YAML file: prints NAME: !vault | with the vault text.")
    static final class EncryptString extends Base {
        @Parameters(paramLabel = "VALUE", arity = "0..*", description = "Values to encrypt (none, or --stdin-name: read stdin).")
        List<String> values = new ArrayList<>();

        @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "The variable name(s), one per value.")
        List<String> names = new ArrayList<>();

        @Option(names = {"-p", "--stdin-name"}, paramLabel = "NAME", description = "Read the value from stdin and name it NAME.")
        String stdinName;

        @Override boolean encrypts() { return true; }

        @Override
        int run(VaultSecrets keyring) throws IOException {
            List<String[]> todo = new ArrayList<>();
            if (stdinName != null || values.isEmpty()) {
                InputStream in = System.in;
                todo.add(new String[]{stdinName, new String(in.readAllBytes(), StandardCharsets.UTF_8)});
            }
            for (int i = 0; i < values.size(); i++) todo.add(new String[]{i < names.size() ? names.get(i) : null, values.get(i)});
            StringBuilder out = new StringBuilder();
            for (String[] t : todo) {
                String vaulted = keyring.encrypt(t[1], label(keyring));
                out.append(t[0] != null ? t[0] + ": " : "").append("!vault |\n");
                for (String line : vaulted.split("\n")) out.append("          ").append(line).append('\n');
            }
            System.out.print(out);
            System.out.flush();
            System.err.println("Encryption successful");
            return ExitCodes.OK;
        }
    }
}
