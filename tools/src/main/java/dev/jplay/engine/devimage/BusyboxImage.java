package dev.jplay.engine.devimage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.MediaTypes;
import dev.jplay.runtime.image.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small OCI image made from the host's static busybox: layer 1 is {@code /bin/busybox} with its applet links and
 * a minimal {@code /etc}; layer 2 is {@code /www} (an {@code index.html} and a file with a non-ASCII name). The
 * default command serves {@code /www} with busybox httpd on port 8080. Byte-for-byte reproducible (fixed times and
 * owners, sorted entries), so pushing it twice gives the same digest.
 */
public final class BusyboxImage {
    public static final Path DEFAULT_BUSYBOX = Path.of("/bin/busybox");
    public static final int DEFAULT_PORT = 8080;
    /** A file name outside ASCII: unpacking it needs a UTF-8 file-name encoding in the agent's JVM. */
    public static final String UNICODE_FILE = "www/grüße.txt";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MTIME_SECONDS = 946_684_800L; // 2000-01-01: any fixed time keeps digests stable

    /** A blob with its media type and digest. */
    public record Blob(String mediaType, byte[] bytes, Digest digest) {
        static Blob of(String mediaType, byte[] bytes) {
            return new Blob(mediaType, bytes, Digest.of(bytes));
        }
    }

    /** A layer: its compressed blob and the digest of the uncompressed tar. */
    public record Layer(Blob blob, Digest diffId) {}

    private final List<Layer> layers;
    private final List<String> cmd;
    private final Blob config;
    private final Blob manifest;

    private BusyboxImage(List<Layer> layers, List<String> cmd) throws IOException {
        this.layers = List.copyOf(layers);
        this.cmd = List.copyOf(cmd);
        this.config = Blob.of(MediaTypes.OCI_CONFIG, config(layers, cmd));
        this.manifest = Blob.of(MediaTypes.OCI_MANIFEST, manifest(config, layers));
    }

    /** The image with the given {@code index.html} content, built from {@code busybox} (a static binary). */
    public static BusyboxImage build(Path busybox, String indexHtml) throws IOException {
        return build(busybox, indexHtml, List.of("httpd", "-f", "-p", Integer.toString(DEFAULT_PORT), "-h", "/www"));
    }

    /** The same image with another default command (e.g. a release that never serves, for health-gate tests). */
    public static BusyboxImage build(Path busybox, String indexHtml, List<String> cmd) throws IOException {
        return new BusyboxImage(List.of(baseLayer(busybox), wwwLayer(indexHtml)), cmd);
    }

    /** This image with one more layer on top: {@code gzippedTar}, whose uncompressed tar hashes to {@code diffId}. */
    public BusyboxImage withLayer(byte[] gzippedTar, Digest diffId) throws IOException {
        List<Layer> more = new ArrayList<>(layers);
        more.add(new Layer(Blob.of(MediaTypes.OCI_LAYER_GZIP, gzippedTar), diffId));
        return new BusyboxImage(more, cmd);
    }

    public List<Layer> layers() {
        return layers;
    }

    public Blob config() {
        return config;
    }

    public Blob manifest() {
        return manifest;
    }

    private static Layer baseLayer(Path busybox) throws IOException {
        Tar tar = new Tar();
        for (String dir : List.of("bin/", "dev/", "etc/", "proc/", "root/", "sys/", "www/")) tar.directory(dir, 0755);
        tar.directory("tmp/", 01777);
        tar.file("bin/busybox", Files.readAllBytes(busybox), 0755);
        for (String applet : applets(busybox)) {
            if (!applet.equals("busybox")) tar.symlink("bin/" + applet, "busybox");
        }
        tar.file("etc/group", "root:x:0:\nnogroup:x:65534:\n".getBytes(StandardCharsets.UTF_8), 0644);
        tar.file("etc/passwd", ("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
                .getBytes(StandardCharsets.UTF_8), 0644);
        return tar.layer();
    }

    private static Layer wwwLayer(String indexHtml) throws IOException {
        Tar tar = new Tar();
        tar.directory("www/", 0755);
        tar.file(UNICODE_FILE, "unicode names unpack\n".getBytes(StandardCharsets.UTF_8), 0644);
        tar.file("www/index.html", indexHtml.getBytes(StandardCharsets.UTF_8), 0644);
        return tar.layer();
    }

    private static byte[] config(List<Layer> layers, List<String> cmd) throws IOException {
        Platform platform = Platform.host();
        ObjectNode root = JSON.createObjectNode();
        root.put("created", "2000-01-01T00:00:00Z");
        root.put("architecture", platform.architecture());
        root.put("os", platform.os());
        ObjectNode config = root.putObject("config");
        config.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        ArrayNode cmdArray = config.putArray("Cmd");
        cmd.forEach(cmdArray::add);
        config.put("WorkingDir", "/");
        config.putObject("ExposedPorts").putObject(DEFAULT_PORT + "/tcp");
        config.putObject("Labels").put("org.opencontainers.image.title", "jplay busybox httpd");
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.diffId().toString()));
        return JSON.writeValueAsBytes(root);
    }

    private static byte[] manifest(Blob config, List<Layer> layers) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaTypes.OCI_MANIFEST);
        root.set("config", descriptor(config));
        ArrayNode array = root.putArray("layers");
        layers.forEach(l -> array.add(descriptor(l.blob())));
        return JSON.writeValueAsBytes(root);
    }

    private static ObjectNode descriptor(Blob blob) {
        ObjectNode node = JSON.createObjectNode();
        node.put("mediaType", blob.mediaType());
        node.put("digest", blob.digest().toString());
        node.put("size", blob.bytes().length);
        return node;
    }

    private static List<String> applets(Path busybox) throws IOException {
        Process process = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) throw new IOException(busybox + " --list failed: " + out.strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + busybox, e);
        }
        return new ArrayList<>(new TreeSet<>(List.of(out.strip().split("\n"))));
    }

    /** A reproducible tar built in memory, gzip-compressed by {@link #layer()}. */
    private static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());

        Tar() {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        void directory(String name, int mode) throws IOException {
            put(new TarArchiveEntry(name), mode, null);
        }

        void file(String name, byte[] content, int mode) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            put(entry, mode, content);
        }

        void symlink(String name, String target) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            entry.setLinkName(target);
            put(entry, 0777, null);
        }

        private void put(TarArchiveEntry entry, int mode, byte[] content) throws IOException {
            entry.setMode((entry.isDirectory() ? 040000 : entry.isSymbolicLink() ? 0120000 : 0100000) | mode);
            entry.setModTime(MTIME_SECONDS * 1000);
            entry.setIds(0, 0);
            entry.setNames("root", "root");
            out.putArchiveEntry(entry);
            if (content != null) out.write(content);
            out.closeArchiveEntry();
        }

        Layer layer() throws IOException {
            out.close();
            byte[] tar = bytes.toByteArray();
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream zip = new GZIPOutputStream(gz)) { // JDK gzip writes mtime 0: reproducible
                zip.write(tar);
            }
            return new Layer(Blob.of(MediaTypes.OCI_LAYER_GZIP, gz.toByteArray()), Digest.of(tar));
        }
    }
}
