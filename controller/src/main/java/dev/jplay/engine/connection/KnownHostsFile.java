package dev.jplay.engine.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;

/** Lines of an OpenSSH known_hosts file: formatting, fingerprints and safe concurrent appends. */
final class KnownHostsFile {
    private static final Object JVM_LOCK = new Object();

    private KnownHostsFile() {}

    /** The host pattern OpenSSH writes: {@code addr} on port 22, {@code [addr]:port} otherwise. */
    static String hostPattern(String address, int port) {
        return port == 22 ? address : "[" + address + "]:" + port;
    }

    static String entry(String hostPattern, PublicKey key) {
        return hostPattern + " " + KeyType.fromKey(key) + " " + Base64.getEncoder().encodeToString(blob(key));
    }

    /** {@code SHA256:...} as {@code ssh-keygen -l} prints it. */
    static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob(key));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Appends one line in a single write under a file lock (other controllers) and a JVM lock (other
     * threads), so parallel connections never interleave or lose entries.
     */
    static void append(Path file, String line) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) Files.createDirectories(parent);
        synchronized (JVM_LOCK) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.READ);
                 FileLock lock = ch.lock()) {
                long size = ch.size();
                boolean needsNewline = false;
                if (size > 0) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    ch.read(last, size - 1);
                    needsNewline = last.get(0) != '\n';
                }
                byte[] bytes = ((needsNewline ? "\n" : "") + line + "\n").getBytes(StandardCharsets.UTF_8);
                ch.write(ByteBuffer.wrap(bytes), size);
                ch.force(false);
            }
        }
    }

    private static byte[] blob(PublicKey key) {
        return new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
    }
}
