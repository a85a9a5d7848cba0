package dev.jplay.engine.vault;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ansible Vault's format, byte for byte as {@code ansible-vault} writes and reads it (ansible/parsing/vault):
 * a header {@code $ANSIBLE_VAULT;1.1;AES256} (or {@code 1.2;AES256;LABEL} with a vault id), then the hex of
 * "hex(salt)\nhex(hmac)\nhex(ciphertext)" in lines of 80. Keys: PBKDF2-HMAC-SHA256 of the password with the 32-byte
 * salt, 10000 iterations, 80 bytes = AES-256 key, HMAC-SHA256 key, 16-byte initial counter. The plaintext is
 * PKCS#7-padded, AES-256-CTR encrypted; the HMAC (over the ciphertext) is checked before anything is decrypted.
 */
public final class VaultFormat {
    public static final String HEADER = "$ANSIBLE_VAULT";
    private static final int ITERATIONS = 10_000;
    private static final int KEY_LENGTH = 32;
    private static final int IV_LENGTH = 16;
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private VaultFormat() {}

    /** Whether {@code text} is vault-encrypted (its first line is a vault header). */
    public static boolean isVaulted(String text) {
        return text != null && text.stripLeading().startsWith(HEADER + ";");
    }

    /** A vault text's header: its version and its vault id (the label; null in 1.1). */
    public record Envelope(String version, String cipher, String label, String body) {}

    public static Envelope envelope(String vaulttext) {
        String[] lines = vaulttext.strip().split("\\R");
        String[] header = lines[0].strip().split(";");
        if (header.length < 3 || !header[0].equals(HEADER)) throw new VaultException("not a vault text: its first line is not a $ANSIBLE_VAULT header");
        if (!header[2].strip().equals("AES256")) throw new VaultException("vault cipher '" + header[2].strip() + "' is not supported (only AES256)");
        String version = header[1].strip();
        if (!version.equals("1.1") && !version.equals("1.2")) throw new VaultException("vault format version " + version + " is not supported (1.1, 1.2)");
        StringBuilder body = new StringBuilder();
        for (int i = 1; i < lines.length; i++) body.append(lines[i].strip());
        return new Envelope(version, "AES256", header.length >= 4 ? header[3].strip() : null, body.toString());
    }

    /**
     * The plaintext, or null when {@code password} is not the one it was encrypted with (the HMAC differs).
     *
     * @throws VaultException when the text is not a well-formed vault text
     */
    public static byte[] decrypt(Envelope envelope, byte[] password) {
        byte[] salt;
        byte[] hmac;
        byte[] ciphertext;
        try {
            String inner = new String(HEX.parseHex(envelope.body()), StandardCharsets.US_ASCII);
            String[] parts = inner.split("\n", 3);
            if (parts.length != 3) throw new VaultException("vault text is malformed (expected salt, hmac and ciphertext)");
            salt = HEX.parseHex(parts[0]);
            hmac = HEX.parseHex(parts[1].strip());
            ciphertext = HEX.parseHex(parts[2].strip());
        } catch (IllegalArgumentException e) {
            throw new VaultException("vault text is malformed (not hex): " + e.getMessage());
        }
        byte[][] keys = keys(password, salt);
        if (!MessageDigest.isEqual(hmac(keys[1], ciphertext), hmac)) return null;
        byte[] padded = ctr(Cipher.DECRYPT_MODE, keys[0], keys[2], ciphertext);
        int pad = padded.length == 0 ? 0 : padded[padded.length - 1] & 0xff;
        if (pad < 1 || pad > 16 || pad > padded.length) throw new VaultException("vault text is malformed (bad padding)");
        return Arrays.copyOf(padded, padded.length - pad);
    }

    /** The vault text of {@code plaintext}, as ansible-vault writes it: 1.1, or 1.2 with {@code label} (not "default"). */
    public static String encrypt(byte[] plaintext, byte[] password, String label) {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        byte[][] keys = keys(password, salt);
        int pad = 16 - plaintext.length % 16;
        byte[] padded = Arrays.copyOf(plaintext, plaintext.length + pad);
        Arrays.fill(padded, plaintext.length, padded.length, (byte) pad);
        byte[] ciphertext = ctr(Cipher.ENCRYPT_MODE, keys[0], keys[2], padded);
        String inner = HEX.formatHex(salt) + "\n" + HEX.formatHex(hmac(keys[1], ciphertext)) + "\n" + HEX.formatHex(ciphertext);
        String body = HEX.formatHex(inner.getBytes(StandardCharsets.US_ASCII));
        boolean withId = label != null && !label.isEmpty() && !label.equals("default");
        StringBuilder out = new StringBuilder(HEADER).append(withId ? ";1.2;AES256;" + label : ";1.1;AES256").append('\n');
        for (int i = 0; i < body.length(); i += 80) out.append(body, i, Math.min(body.length(), i + 80)).append('\n');
        return out.toString();
    }

    /** Key, HMAC key and initial counter, derived from the password's bytes as they are (no charset in between). */
    private static byte[][] keys(byte[] password, byte[] salt) {
        byte[] derived = pbkdf2(password, salt);
        return new byte[][]{Arrays.copyOfRange(derived, 0, KEY_LENGTH), Arrays.copyOfRange(derived, KEY_LENGTH, 2 * KEY_LENGTH),
                Arrays.copyOfRange(derived, 2 * KEY_LENGTH, 2 * KEY_LENGTH + IV_LENGTH)};
    }

    /** RFC 8018 PBKDF2 with HMAC-SHA256 over raw password bytes. */
    static byte[] pbkdf2(byte[] password, byte[] salt) {
        int length = 2 * KEY_LENGTH + IV_LENGTH;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
            byte[] out = new byte[length];
            int blocks = (length + 31) / 32;
            for (int b = 1; b <= blocks; b++) {
                mac.update(salt);
                mac.update(new byte[]{(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b});
                byte[] u = mac.doFinal();
                byte[] t = u.clone();
                for (int i = 1; i < ITERATIONS; i++) {
                    u = mac.doFinal(u);
                    for (int j = 0; j < t.length; j++) t[j] ^= u[j];
                }
                System.arraycopy(t, 0, out, (b - 1) * 32, Math.min(32, length - (b - 1) * 32));
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] ctr(int mode, byte[] key, byte[] iv, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR unavailable", e);
        }
    }
}
