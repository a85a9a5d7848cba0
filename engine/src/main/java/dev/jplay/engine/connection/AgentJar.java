package dev.jplay.engine.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * The agent jar the controller ships to hosts. Its cached copies are named by a CRC-32 of the content (and
 * its size): that only has to tell builds apart, and costs 1 ms where SHA-256 of the 5.4 MB jar cost 140 ms
 * of every controller start (C1 has no SHA intrinsic). Uploads are still checked on the host against the
 * SHA-256, computed only when an upload happens.
 */
public final class AgentJar {
    static final String RESOURCE = "/dev/jplay/agent/jplay-agent.jar";

    private final byte[] bytes;
    private final String fingerprint;
    private volatile String sha256;

    private AgentJar(byte[] bytes) {
        this.bytes = bytes;
        CRC32 crc = new CRC32();
        crc.update(bytes);
        this.fingerprint = String.format("%08x-%d", crc.getValue(), bytes.length);
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

    public String sha256() {
        String s = sha256;
        if (s == null) sha256 = s = sha256Hex(bytes);
        return s;
    }

    /** {@code jplay-agent-<CRC-32>-<size>.jar}: a new build does not reuse an old copy. */
    public String fileName() {
        return "jplay-agent-" + fingerprint + ".jar";
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
