package dev.jplay.engine.vault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vault passwords of a run ({@code --vault-password-file}, {@code --ask-vault-pass}, {@code --vault-id}), each
 * with its vault id (label; "default" when none), and what they decrypted. A vault text is opened with the password
 * of its own vault id first, then with every other (as Ansible tries them). The run's keyring is process-wide
 * ({@link #install}): every YAML file jplay reads (playbooks, vars files, roles, inventories) goes through the one
 * loader, which asks it. Decrypted values are remembered so the run's files (report, events) can hide them.
 */
public final class VaultSecrets {
    /** One password and its vault id. */
    public record Secret(String label, byte[] password) {
        @Override
        public String toString() { // never the password
            return "Secret[" + label + "]";
        }
    }

    public static final VaultSecrets NONE = new VaultSecrets(List.of());
    private static volatile VaultSecrets installed = NONE;

    private final List<Secret> secrets;
    private final Set<String> decrypted = ConcurrentHashMap.newKeySet();

    public VaultSecrets(List<Secret> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    /** The keyring every loader uses from now on (the CLI installs the run's). */
    public static void install(VaultSecrets keyring) {
        installed = keyring == null ? NONE : keyring;
    }

    public static VaultSecrets installed() {
        return installed;
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    public List<Secret> secrets() {
        return secrets;
    }

    /**
     * The plaintext of a vault text.
     *
     * @param origin what to name in errors (a file, or file:line:col of a {@code !vault} value)
     * @throws VaultException no password given, none that opens it, or a malformed text; naming {@code origin}
     */
    public String decrypt(String vaulttext, String origin) {
        VaultFormat.Envelope envelope;
        try {
            envelope = VaultFormat.envelope(vaulttext);
        } catch (VaultException e) {
            throw new VaultException(origin + ": " + e.getMessage());
        }
        if (secrets.isEmpty()) {
            throw new VaultException(origin + ": is vault-encrypted" + (envelope.label() != null ? " (vault id '" + envelope.label() + "')" : "")
                    + " and no vault password was given (--vault-password-file FILE, --ask-vault-pass or --vault-id LABEL@SOURCE)");
        }
        List<Secret> order = new ArrayList<>();
        for (Secret s : secrets) if (s.label().equals(envelope.label())) order.add(s);
        for (Secret s : secrets) if (!order.contains(s)) order.add(s);
        for (Secret s : order) {
            byte[] plain;
            try {
                plain = VaultFormat.decrypt(envelope, s.password());
            } catch (VaultException e) {
                throw new VaultException(origin + ": " + e.getMessage());
            }
            if (plain != null) return new String(plain, StandardCharsets.UTF_8);
        }
        throw new VaultException(origin + ": no vault password given opens it (tried " + secrets.size() + ": vault id"
                + (secrets.size() > 1 ? "s " : " ") + String.join(", ", secrets.stream().map(Secret::label).toList())
                + "; wrong password?)");
    }

    /** The vault text of {@code plaintext} with the password of {@code label} (or the first). */
    public String encrypt(String plaintext, String label) {
        if (secrets.isEmpty()) throw new VaultException("no vault password given (--vault-password-file, --ask-vault-pass or --vault-id)");
        Secret use = secrets.get(0);
        if (label != null) {
            use = secrets.stream().filter(s -> s.label().equals(label)).findFirst()
                    .orElseThrow(() -> new VaultException("no vault password has vault id '" + label + "'"));
        }
        return VaultFormat.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), use.password(), use.label());
    }

    /** Values decrypted so far, for writers that must not show them. */
    public Set<String> decryptedValues() {
        return Collections.unmodifiableSet(decrypted);
    }

    /**
     * A value that came out of a vault (a {@code !vault} value, a string in a vaulted file): hidden from the run's
     * files. Values shorter than 4 characters (yes, 80) are not remembered: masking them would mask unrelated text.
     */
    public void remember(String value) {
        if (value == null) return;
        String v = value.strip();
        if (v.length() >= 4) decrypted.add(v);
        for (String line : v.split("\\R")) if (line.strip().length() >= 4) decrypted.add(line.strip());
    }
}
