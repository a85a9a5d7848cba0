package dev.jplay.runtime.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.unpack.LayerUnpacker;
import dev.jplay.runtime.unpack.TarBuilder;
import dev.jplay.runtime.unpack.TreeSnapshot;
import dev.jplay.runtime.unpack.UnpackLimits;
import dev.jplay.runtime.unpack.UnpackResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * jplay's layers seen through the overlay mount must equal umoci's unpack of the same OCI image: paths, types,
 * modes, owners, sizes, content hashes, symlink targets, hardlink groups and mtimes of non-directories, FIFOs and
 * character and block devices included (each of which must be made without ever being opened).
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class UmociFidelityTest {
    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String TAR = "application/vnd.oci.image.layer.v1.tar";
    private static final String LONG = "l".repeat(60) + "/" + "o".repeat(60) + "/" + "n".repeat(70) + "-long-name.txt";

    @TempDir
    Path tmp;
    private Snapshotter snapshotter;

    @AfterEach
    void unmount() throws IOException {
        if (snapshotter != null) {
            for (String id : List.of("v1", "v2")) {
                snapshotter.remove(id);
            }
        }
    }

    /** A busybox rootfs archived by GNU tar: a layer produced by a real tool. */
    private byte[] busyboxLayerFromGnuTar() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("busybox-src"));
        for (String d : List.of("bin", "etc", "tmp", "var/dir/sub", "opt/app", "usr/share/doc")) {
            Files.createDirectories(src.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), src.resolve("bin/busybox"));
        for (String applet : List.of("sh", "ls", "cat", "echo")) {
            Files.createSymbolicLink(src.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.createLink(src.resolve("bin/busybox-hardlink"), src.resolve("bin/busybox"));
        Files.writeString(src.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(src.resolve("etc/removable"), "removed by layer 2");
        Files.writeString(src.resolve("var/dir/sub/file"), "replaced with its directory");
        Files.writeString(src.resolve("opt/app/old"), "hidden by an opaque dir");
        Files.writeString(src.resolve("usr/share/doc/résumé – ünïcode.txt"), "non-ascii");
        Files.setAttribute(src.resolve("tmp"), "unix:mode", 01777);
        // special files as a Dockerfile's RUN makes them: mkfifo and mknod, archived by GNU tar
        Files.createDirectories(src.resolve("dev"));
        run(src, "mkfifo", "-m", "0600", "var/initctl");
        run(src, "mknod", "-m", "0620", "dev/console", "c", "5", "1");
        run(src, "mknod", "-m", "0660", "dev/loop7", "b", "7", "7");
        run(src, "chown", "-h", "0:5", "dev/console");
        run(src, "chown", "-R", "1000:1000", "usr/share/doc");
        run(tmp, "tar", "--numeric-owner", "-cf", "busybox.tar", "-C", src.toString(), ".");
        return Files.readAllBytes(tmp.resolve("busybox.tar"));
    }

    private static byte[] changesLayer() {
        TarBuilder b = new TarBuilder();
        TarArchiveEntry suid = b.newEntry("usr/local/bin/suid", TarConstants.LF_NORMAL);
        suid.setMode(04755);
        suid.setUserId(1000);
        suid.setGroupId(1000);
        suid.setSize(4);
        TarArchiveEntry sgidDir = b.newEntry("srv/shared/", TarConstants.LF_DIR);
        sgidDir.setMode(02775);
        sgidDir.setGroupId(50);
        TarArchiveEntry fifo = b.newEntry("srv/shared/pipe", TarConstants.LF_FIFO);
        fifo.setMode(02660);
        fifo.setUserId(1000);
        fifo.setGroupId(50);
        TarArchiveEntry tty = b.newEntry("srv/tty3", TarConstants.LF_CHR);
        tty.setDevMajor(4);
        tty.setDevMinor(3);
        tty.setMode(0620);
        tty.setGroupId(5);
        TarArchiveEntry disk = b.newEntry("srv/disk", TarConstants.LF_BLK);
        disk.setDevMajor(8);
        disk.setDevMinor(16);
        disk.setMode(0640);
        disk.setGroupId(6);
        TarArchiveEntry doc = b.newEntry("usr/share/doc/", TarConstants.LF_DIR);
        doc.setMode(0755);
        doc.setUserId(1000);
        doc.setGroupId(1000);
        // parents listed explicitly, as docker/buildkit/umoci do: in overlay form a layer's implicit parent
        // directory would shadow the lower layer's owner and mode
        return b.dir("etc", 0755).dir("opt", 0755).dir("opt/app", 0755).dir("var", 0755)
                .dir("usr", 0755).dir("usr/share", 0755).entry(doc, null)
                .dir("srv", 0755).dir("usr/local", 0755).dir("usr/local/bin", 0755).dir("usr/share/doc/日本語", 0755)
                .dir(LONG.substring(0, LONG.indexOf('/')), 0755).dir(LONG.substring(0, LONG.lastIndexOf('/')), 0755)
                .file("etc/.wh.removable", "")
                .file("opt/app/.wh..wh..opq", "")
                .file("opt/app/new", "new")
                .file("var/dir", "a file where a directory was")
                .entry(suid, "suid".getBytes(StandardCharsets.UTF_8))
                .entry(sgidDir, null)
                .file("srv/shared/inherits", "group 50")
                .entry(fifo, null)
                .entry(tty, null)
                .entry(disk, null)
                .hardlink("srv/shared/pipe-link", "srv/shared/pipe")
                .fifo("var/initctl", 0644) // replaces the lower layer's FIFO
                .hardlink("usr/local/bin/suid-link", "usr/local/bin/suid")
                .symlink("usr/local/bin/abs", "/bin/busybox")
                .symlink("usr/local/bin/dangling", "../nowhere")
                .file(LONG, "long")
                .file("usr/share/doc/日本語/ファイル.txt", "unicode")
                .tar();
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a thread stuck opening a FIFO ignores interrupts
    void overlayViewEqualsUmociUnpack() throws Exception {
        byte[] base = busyboxLayerFromGnuTar();
        byte[] changes = changesLayer();
        byte[] empty = new TarBuilder().tar();
        Path image = tmp.resolve("image");
        OciLayout.write(image, "v1", List.of(
                new OciLayout.Layer(TarBuilder.gzip(base), GZIP, TarBuilder.sha256(base)),
                new OciLayout.Layer(changes, TAR, TarBuilder.sha256(changes)),
                new OciLayout.Layer(TarBuilder.gzip(empty), GZIP, TarBuilder.sha256(empty))));
        run(tmp, "umoci", "unpack", "--image", image + ":v1", "bundle-v1");

        LayerStore store = new LayerStore(tmp.resolve("store"), new LayerUnpacker(true)); // devices, like umoci
        snapshotter = new Snapshotter(store, tmp.resolve("containers"), Snapshotter.Mode.OVERLAY);
        Path rootfs = snapshotter.prepare("v1", ensureAll(store, OciLayout.read(image, "v1")));
        assertFalse(Files.exists(rootfs.resolve("etc/removable"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of("new"), names(rootfs.resolve("opt/app")));
        assertTrue(Files.isRegularFile(rootfs.resolve("var/dir"), LinkOption.NOFOLLOW_LINKS));
        assertSameTree(tmp.resolve("bundle-v1/rootfs"), rootfs);

        // a layer written by umoci itself: its own whiteouts for a deletion and a directory removal
        Path bundle = tmp.resolve("bundle-v1/rootfs");
        Files.delete(bundle.resolve("bin/cat"));
        Files.delete(bundle.resolve("usr/share/doc/日本語/ファイル.txt"));
        Files.delete(bundle.resolve("usr/share/doc/日本語"));
        Files.writeString(bundle.resolve("etc/added-by-umoci"), "repacked");
        run(tmp, "umoci", "repack", "--image", image + ":v2", "bundle-v1");
        run(tmp, "umoci", "unpack", "--image", image + ":v2", "bundle-v2");
        List<OciLayout.ImageLayer> v2 = OciLayout.read(image, "v2");
        assertEquals(4, v2.size());
        Path rootfs2 = snapshotter.prepare("v2", ensureAll(store, v2));
        assertFalse(Files.exists(rootfs2.resolve("bin/cat"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("repacked", Files.readString(rootfs2.resolve("etc/added-by-umoci")));
        assertSameTree(tmp.resolve("bundle-v2/rootfs"), rootfs2);
    }

    /** umoci cannot read zstd: the zstd twin of a layer must unpack to exactly what its gzip twin gives. */
    @Test
    void zstdTwinUnpacksLikeTheGzipTwin() throws Exception {
        byte[] tar = changesLayer();
        LayerUnpacker unpacker = new LayerUnpacker();
        UnpackResult gz = unpacker.unpack(new ByteArrayInputStream(TarBuilder.gzip(tar)), GZIP, tmp.resolve("gz"),
                UnpackLimits.defaults());
        UnpackResult zst = unpacker.unpack(new ByteArrayInputStream(TarBuilder.zstd(tar)),
                "application/vnd.oci.image.layer.v1.tar+zstd", tmp.resolve("zst"), UnpackLimits.defaults());
        assertEquals(gz.diffId(), zst.diffId());
        Map<String, String> gzTree = layerView(tmp.resolve("gz"));
        assertEquals(gzTree, layerView(tmp.resolve("zst")));
        // and a zstd stream from the zstd CLI (not only aircompressor's own encoder)
        Files.write(tmp.resolve("layer.tar"), tar);
        run(tmp, "zstd", "-q", "-19", "layer.tar", "-o", "layer.tar.zst");
        try (InputStream in = Files.newInputStream(tmp.resolve("layer.tar.zst"))) {
            UnpackResult cli = unpacker.unpack(in, null, tmp.resolve("cli"), UnpackLimits.defaults());
            assertEquals(gz.diffId(), cli.diffId());
        }
        assertEquals(gzTree, layerView(tmp.resolve("cli")));
    }

    /**
     * A layer's tree without what is the time of the unpack: the root's mtime (no "./" entry) and the whiteouts'
     * (links to one 0:0 device made during the unpack).
     */
    private static Map<String, String> layerView(Path layer) throws IOException {
        Map<String, String> tree = withoutRoot(TreeSnapshot.of(layer, true));
        tree.replaceAll((path, description) -> description.replaceFirst("^(020\\d{3} .* rdev=0) mtime=\\d+", "$1"));
        return tree;
    }

    private static List<Digest> ensureAll(LayerStore store, List<OciLayout.ImageLayer> layers) throws IOException {
        List<Digest> ids = new ArrayList<>();
        for (OciLayout.ImageLayer l : layers) {
            Digest diffId = Digest.parse(l.diffId());
            store.ensure(diffId, l.mediaType(), () -> Files.newInputStream(l.blob()), UnpackLimits.defaults());
            ids.add(diffId);
        }
        return ids;
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        // directory mtimes differ by design: a directory a layer touches takes that layer's mtime in overlay form
        Map<String, String> umoci = TreeSnapshot.of(expected, true, false);
        Map<String, String> jplay = TreeSnapshot.of(actual, true, false);
        umoci.remove("/"); // overlay's root is the container's upper dir
        jplay.remove("/");
        assertTrue(umoci.size() > 20, "suspiciously small tree: " + umoci.keySet());
        assertEquals("", TreeSnapshot.diff(umoci, jplay), "umoci (expected) vs jplay");
        assertEquals(umoci, jplay);
    }

    private static Map<String, String> withoutRoot(Map<String, String> tree) {
        tree.remove("/");
        return tree;
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
