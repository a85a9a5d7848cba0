package dev.jplay.engine.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The agent jar the controller ships to hosts, with the digest that names its cached copies. */
public final class AgentJar {
    static final String RESOURCE = "/dev/jplay/agent/jplay-agent.jar";

    private final byte[] bytes;
    private final String sha256;

    private AgentJar(byte[] bytes) {
        this.bytes = bytes;
        this.sha256 = sha256Hex(bytes);
    }

    /** The jar embedded in the engine at build time. */
    public static AgentJar embedded() {
        try (InputStream in = AgentJar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("agent jar missing from the classpath at " + RESOURCE
                        + " (the engine build embeds it: mvn -pl engine -am package)");
            }
            return new AgentJar(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded agent jar " + RESOURCE, e);
        }
    }

    public static AgentJar of(byte[] bytes) {
        return new AgentJar(bytes.clone());
    }

    byte[] bytes() { return bytes; }

    public long size() { return bytes.length; }

    public String sha256() { return sha256; }

    /** {@code jplay-agent-<first 16 hex of the SHA-256>.jar}: a new build never reuses an old copy. */
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
