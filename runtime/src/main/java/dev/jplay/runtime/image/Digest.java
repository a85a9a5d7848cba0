package dev.jplay.runtime.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:9f86d0…}; only sha256 is supported, as in the OCI spec's required set. */
public record Digest(String hex) implements Comparable<Digest> {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Digest {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid sha256 hex (want 64 lowercase hex characters): " + hex);
        }
    }

    /** Parses {@code sha256:<64 hex>}. */
    public static Digest parse(String text) {
        if (text == null) throw new IllegalArgumentException("digest is null");
        int colon = text.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("invalid digest (want sha256:<hex>): " + text);
        String algorithm = text.substring(0, colon);
        if (!algorithm.equals("sha256")) {
            throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "' in " + text + " (only sha256)");
        }
        return new Digest(text.substring(colon + 1));
    }

    public static Digest of(byte[] content) {
        return fromHash(newSha256().digest(content));
    }

    public static Digest fromHash(byte[] sha256) {
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    public String algorithm() {
        return "sha256";
    }

    @Override
    public int compareTo(Digest other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }
}
