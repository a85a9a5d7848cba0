package dev.jplay.engine.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The agent jar the controller ships to hosts, with its SHA-256: hosts cache it as
 * {@code jplay-agent-<first 16 hex of the SHA-256>.jar}. The build writes the hash next to the embedded jar
 * ({@code jplay-agent.jar.sha256}), so a controller start does not hash 5 MB (140 ms with C1, which has no
 * SHA intrinsic); the host re-hashes an upload and refuses one that does not match it.
 */
public final class AgentJar {
    static final String RESOURCE = "/dev/jplay/agent/jplay-agent.jar";

    private final byte[] bytes;
    private final String sha256;

    private AgentJar(byte[] bytes, String sha256) {
        this.bytes = bytes;
        this.sha256 = sha256;
    }

    /** The jar embedded in the engine at build time. */
    public static AgentJar embedded() {
        try (InputStream in = AgentJar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("agent jar missing from the classpath at " + RESOURCE
                        + " (the engine build embeds it: mvn -pl engine -am package)");
            }
            byte[] jar = in.readAllBytes();
            String hash;
            try (InputStream h = AgentJar.class.getResourceAsStream(RESOURCE + ".sha256")) {
                hash = h == null ? null : new String(h.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
            }
            if (hash == null || !hash.matches("[0-9a-f]{64}")) hash = sha256Hex(jar); // a build without the hash file
            return new AgentJar(jar, hash);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded agent jar " + RESOURCE, e);
        }
    }

    public static AgentJar of(byte[] bytes) {
        return new AgentJar(bytes.clone(), sha256Hex(bytes));
    }

    byte[] bytes() { return bytes; }

    public long size() { return bytes.length; }

    public String sha256() {
        return sha256;
    }

    /** {@code jplay-agent-<SHA-256 prefix>.jar}: a new build does not reuse an old copy. */
    public String fileName() {
        return "jplay-agent-" + sha256.substring(0, 16) + ".jar";
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
