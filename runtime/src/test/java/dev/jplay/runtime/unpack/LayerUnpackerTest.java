package dev.jplay.runtime.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IFIFO = 0010000;
    private static final Instant ATIME = Instant.parse("2022-05-06T07:08:09.1234567Z");
    private static final String LONG = "very-long-directory-name-".repeat(4) + "/" + "and-a-long-file-name-".repeat(4) + ".txt";

    @TempDir
    Path tmp;

    private final LayerUnpacker unpacker = new LayerUnpacker();

    private byte[] sampleTar() {
        return new TarBuilder()
                .dir("etc", 0755)
                .file("etc/hostname", "box\n")
                .dir("tmp", 01777)
                .file("bin/tool", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), 04755)
                .hardlink("bin/tool-alias", "bin/tool")
                .symlink("bin/sh", "/bin/busybox")
                .file(LONG, "long")
                .file("données/ñandú €.txt", "unicode")
                .file("empty", new byte[0], 0600)
                .tar();
    }

    @Test
    void gzipZstdAndPlainGiveTheSameTreeAndTheTarsDiffId() throws Exception {
        byte[] tar = sampleTar();
        UnpackResult plain = unpack(tar, "application/vnd.oci.image.layer.v1.tar", "plain");
        UnpackResult gzip = unpack(TarBuilder.gzip(tar), "application/vnd.docker.image.rootfs.diff.tar.gzip", "gzip");
        UnpackResult zstd = unpack(TarBuilder.zstd(tar), "application/vnd.oci.image.layer.v1.tar+zstd", "zstd");

        assertEquals(TarBuilder.sha256(tar), plain.diffId());
        assertEquals(plain.diffId(), gzip.diffId());
        assertEquals(plain.diffId(), zstd.diffId());
        assertEquals(tar.length, gzip.bytes()); // includes the zero padding after the end-of-archive blocks
        assertEquals(9, gzip.entries());
        // directory mtimes left out: implicit parents (bin, données) take the time of the unpack, which may tick
        // over a second between the three; explicit directories' times are checked in keepsTypesModesTimesAndLinks
        Map<String, String> expected = withoutRoot(TreeSnapshot.of(tmp.resolve("plain"), true, false));
        assertEquals(expected, withoutRoot(TreeSnapshot.of(tmp.resolve("gzip"), true, false)));
        assertEquals(expected, withoutRoot(TreeSnapshot.of(tmp.resolve("zstd"), true, false)));
    }

    @Test
    void keepsTypesModesTimesAndLinks() throws Exception {
        unpack(sampleTar(), null, "l");
        Path l = tmp.resolve("l");
        assertEquals(04755, mode(l.resolve("bin/tool")));
        assertEquals(01777, mode(l.resolve("tmp")));
        assertEquals(0600, mode(l.resolve("empty")));
        assertEquals(0755, mode(l.resolve("bin"))); // implicit parent, like tar
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(l.resolve("bin/sh")));
        assertEquals(Files.getAttribute(l.resolve("bin/tool"), "unix:ino"),
                Files.getAttribute(l.resolve("bin/tool-alias"), "unix:ino"));
        assertEquals("long", Files.readString(l.resolve(LONG)));
        assertEquals("unicode", Files.readString(l.resolve("données/ñandú €.txt")));
        // mtimes: directories set after their content, symlinks themselves (not their targets)
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(l.resolve("etc"), NOFOLLOW));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(l.resolve("tmp"), NOFOLLOW));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(l.resolve("bin/sh"), NOFOLLOW));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(l.resolve("etc/hostname"), NOFOLLOW));
    }

    @Test
    void laterEntriesReplaceEarlierOnes() throws Exception {
        byte[] tar = new TarBuilder()
                .file("a", "file first")
                .dir("a", 0700)                 // file replaced by a directory
                .file("a/inside", "x")
                .dir("b", 0755)
                .file("b/child", "y")
                .file("b", "now a file")        // non-empty directory replaced by a file
                .symlink("c", "a")
                .file("c", "symlink replaced, not written through")
                .tar();
        unpack(tar, null, "r");
        Path r = tmp.resolve("r");
        assertEquals("x", Files.readString(r.resolve("a/inside")));
        assertEquals(0700, mode(r.resolve("a")));
        assertEquals("now a file", Files.readString(r.resolve("b")));
        assertFalse(Files.isSymbolicLink(r.resolve("c")));
        assertEquals("symlink replaced, not written through", Files.readString(r.resolve("c")));
        assertEquals(List.of("x"), List.of(Files.readString(r.resolve("a/inside"))));
    }

    @Test
    void decompressionBombStopsAtTheByteLimit() {
        byte[] zeros = new byte[32 << 20];
        byte[] blob = TarBuilder.gzip(new TarBuilder().file("zeros", zeros, 0644).tar());
        assertTrue(blob.length < 100_000, "bomb must be small: " + blob.length);
        UnpackLimitException e = assertThrows(UnpackLimitException.class, () -> unpacker.unpack(
                new ByteArrayInputStream(blob), null, tmp.resolve("bomb"), new UnpackLimits(100, 8 << 20, 1 << 16)));
        assertTrue(e.getMessage().contains("limit of 8388608 bytes"), e.getMessage());
        assertEquals(UnpackLimitException.LIMIT, e.code());
        assertTrue(e.bytesWritten() > 8 << 20, "bytes written: " + e.bytesWritten());
        assertFalse(Files.exists(tmp.resolve("bomb"), NOFOLLOW));
    }

    /** A real gzip layer of 64 MiB of zeros (about 64 KiB): over 1000 times its size, far past a cap of 100. */
    private static byte[] zerosLayer(int mebibytes) {
        return TarBuilder.gzip(new TarBuilder().dir("data", 0755).file("data/zeros", new byte[mebibytes << 20], 0644).tar());
    }

    @Test
    void expansionRatioIsCappedPastTheFloorAndWhatWasWrittenIsRemoved() throws Exception {
        byte[] blob = zerosLayer(64);
        assertTrue(blob.length < 100_000, "bomb must be small: " + blob.length);
        Path layer = tmp.resolve("ratio");
        UnpackLimitException e = assertThrows(UnpackLimitException.class, () -> unpacker.unpack(
                new ByteArrayInputStream(blob), null, layer, UnpackLimits.defaults().withExpansion(100, 4 << 20)));
        assertEquals(UnpackLimitException.EXPANSION, e.code());
        // the inflater reads ahead (up to 64 KiB of compressed input, 64 MiB of zeros here), so the measured ratio
        // lags a little at such a low floor; at the default floor of 1 GiB the lag is negligible
        assertTrue(e.bytesWritten() > 4 << 20 && e.bytesWritten() < 16 << 20, "stopped after " + e.bytesWritten());
        assertTrue(e.getMessage().contains("expands more than 100 times"), e.getMessage());
        assertTrue(e.getMessage().contains(layer.toString()), e.getMessage());
        assertFalse(Files.exists(layer, NOFOLLOW), "the partial layer is removed");

        // below the floor any ratio is fine; a ratio of 0 is no cap
        unpacker.unpack(new ByteArrayInputStream(blob), null, tmp.resolve("floor"), UnpackLimits.defaults().withExpansion(100, 65 << 20));
        assertEquals(64L << 20, Files.size(tmp.resolve("floor/data/zeros")));
        unpacker.unpack(new ByteArrayInputStream(blob), null, tmp.resolve("nocap"), UnpackLimits.defaults().withExpansion(0, 0));
        assertEquals(64L << 20, Files.size(tmp.resolve("nocap/data/zeros")));
    }

    /** A reserve above what the real filesystem has free: the first free-space check stops the unpack. */
    @Test
    void freeSpaceReserveStopsTheUnpackAndEmptiesTheGivenDirectory() throws Exception {
        byte[] blob = zerosLayer(64);
        Path layer = Files.createDirectories(tmp.resolve("reserve"));
        long reserve = Files.getFileStore(tmp).getUsableSpace() + (1L << 40);
        UnpackLimits limits = UnpackLimits.defaults().withExpansion(0, 0).withFreeSpaceReserve(reserve, 0);
        UnpackLimitException e = assertThrows(UnpackLimitException.class,
                () -> unpacker.unpack(new ByteArrayInputStream(blob), null, layer, limits));
        assertEquals(UnpackLimitException.DISK_RESERVE, e.code());
        // checked every min(32 MiB, reserve / 8) of tar
        assertTrue(e.bytesWritten() >= 32 << 20 && e.bytesWritten() < 33 << 20, "stopped after " + e.bytesWritten());
        assertTrue(e.getMessage().contains("free-space reserve of " + reserve + " bytes"), e.getMessage());
        assertTrue(Files.isDirectory(layer), "a directory the caller made stays");
        try (var left = Files.list(layer)) {
            assertEquals(List.of(), left.toList(), "but what was written into it is removed");
        }
        assertEquals(1L << 30, UnpackLimits.defaults().reserveOf(10L << 30)); // 5% of 10 GiB is less than 1 GiB
        assertEquals(5L << 30, UnpackLimits.defaults().reserveOf(100L << 30));
    }

    /**
     * A small tmpfs: the unpack stops at the reserve, not at ENOSPC, and what it wrote is gone. Never fills a real
     * disk (the filesystem is 48 MiB of memory).
     */
    @Test
    @EnabledIfSystemProperty(named = "jplay.it", matches = "true")
    void reserveHoldsOnASmallFilesystem() throws Exception {
        Path mount = Files.createDirectories(tmp.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=48m", "jplay-unpack-test", mount.toString());
        try {
            long total = Files.getFileStore(mount).getTotalSpace();
            UnpackLimits limits = UnpackLimits.defaults().withExpansion(0, 0).withFreeSpaceReserve(8 << 20, 0);
            UnpackLimitException e = assertThrows(UnpackLimitException.class, () -> unpacker.unpack(
                    new ByteArrayInputStream(zerosLayer(100)), null, mount.resolve("layer"), limits));
            assertEquals(UnpackLimitException.DISK_RESERVE, e.code());
            // 40 MiB may be written; free space is checked every reserve / 8 = 1 MiB
            assertTrue(e.bytesWritten() > 38 << 20 && e.bytesWritten() <= 42 << 20, "stopped after " + e.bytesWritten());
            assertFalse(Files.exists(mount.resolve("layer"), NOFOLLOW));
            assertEquals(total, Files.getFileStore(mount).getUsableSpace(), "everything written was removed");
        } finally {
            run("umount", mount.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    @Test
    void entryCountIsLimited() {
        TarBuilder b = new TarBuilder();
        for (int i = 0; i < 50; i++) {
            b.file("f" + i, "x");
        }
        byte[] tar = b.tar();
        UnpackLimitException e = assertThrows(UnpackLimitException.class, () -> unpacker.unpack(
                new ByteArrayInputStream(tar), null, tmp.resolve("many"), new UnpackLimits(20, 1 << 20, 1 << 16)));
        assertTrue(e.getMessage().contains("more than 20 entries"), e.getMessage());
    }

    @Test
    void hugePaxHeaderIsRefusedBeforeItIsBuffered() {
        TarBuilder b = new TarBuilder();
        TarArchiveEntry e = b.newEntry("f", TarConstants.LF_NORMAL);
        e.addPaxHeader("comment", "x".repeat(200_000));
        byte[] tar = b.entry(e, new byte[0]).tar();
        UnpackLimitException ex = assertThrows(UnpackLimitException.class, () -> unpacker.unpack(
                new ByteArrayInputStream(tar), null, tmp.resolve("pax"), new UnpackLimits(10, 1 << 20, 64 << 10)));
        assertTrue(ex.getMessage().contains("headers exceed the limit of 65536 bytes"), ex.getMessage());
    }

    @Test
    void tarCliLayerHasTheSameDiffIdAsSha256sum() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/usr/share"));
        Files.writeString(src.resolve("doc.txt"), "made by GNU tar\n");
        Files.createSymbolicLink(src.resolve("link"), Path.of("doc.txt"));
        Path tarFile = tmp.resolve("cli.tar");
        Process p = new ProcessBuilder("tar", "-cf", tarFile.toString(), "-C", tmp.resolve("src").toString(), ".")
                .inheritIO().start();
        assertEquals(0, p.waitFor());
        byte[] tar = Files.readAllBytes(tarFile);
        UnpackResult r = unpack(tar, "application/vnd.oci.image.layer.v1.tar", "cli");
        assertEquals(TarBuilder.sha256(tar), r.diffId());
        assertEquals("made by GNU tar\n", Files.readString(tmp.resolve("cli/usr/share/doc.txt")));
        assertEquals(Path.of("doc.txt"), Files.readSymbolicLink(tmp.resolve("cli/usr/share/link")));
    }

    @Test
    @EnabledIfSystemProperty(named = "jplay.it", matches = "true")
    void ownersWhiteoutsOpaqueDirsAndBinaryXattrs() throws Exception {
        TarBuilder b = new TarBuilder();
        TarArchiveEntry owned = b.newEntry("home/user/file", TarConstants.LF_NORMAL);
        owned.setUserId(1234);
        owned.setGroupId(5678);
        owned.setMode(02755);
        owned.setSize(2);
        owned.addPaxHeader("SCHILY.xattr.user.note", "é");
        TarArchiveEntry link = b.newEntry("home/user/link", TarConstants.LF_SYMLINK);
        link.setLinkName("file");
        link.setUserId(4321);
        byte[] tar = b.entry(owned, "hi".getBytes(StandardCharsets.UTF_8))
                .entry(link, null)
                .file("etc/.wh.removed", "")
                .file("var/cache/.wh..wh..opq", "")
                .file("var/cache/kept", "k")
                .device("dev/sda", TarConstants.LF_BLK, 8, 0)
                .tar();
        UnpackResult r = unpack(tar, null, "w");
        Path w = tmp.resolve("w");
        assertEquals(1234, Files.getAttribute(w.resolve("home/user/file"), "unix:uid"));
        assertEquals(5678, Files.getAttribute(w.resolve("home/user/file"), "unix:gid"));
        assertEquals(02755, mode(w.resolve("home/user/file")));
        assertEquals(4321, Files.getAttribute(w.resolve("home/user/link"), "unix:uid", NOFOLLOW));
        assertEquals(0020000, (Integer) Files.getAttribute(w.resolve("etc/removed"), "unix:mode", NOFOLLOW) & 0170000);
        assertEquals(0L, Files.getAttribute(w.resolve("etc/removed"), "unix:rdev", NOFOLLOW));
        assertEquals("y", getfattr(w.resolve("var/cache"), "trusted.overlay.opaque"));
        assertEquals(List.of("var/cache"), r.opaqueDirs());
        assertEquals(List.of("dev/sda"), r.skippedDevices());
        assertFalse(Files.exists(w.resolve("dev/sda"), NOFOLLOW));
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), userXattr(w.resolve("home/user/file"), "note"));
        try (var siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".whiteout-")),
                    "whiteout template left behind");
        }
    }

    /**
     * Opening a FIFO blocks until a writer comes (and opening a device reaches its driver): a FIFO in a layer hung
     * the agent for good when its mode and times were set through an opened descriptor.
     */
    @Test
    void fifoGetsItsModeAndTimesWithoutBeingOpened() throws Exception {
        TarBuilder b = new TarBuilder();
        TarArchiveEntry pipe = b.newEntry("run/app/pipe", TarConstants.LF_FIFO);
        pipe.setMode(0640);
        pipe.setLastAccessTime(FileTime.from(ATIME));
        byte[] tar = b.dir("run", 0755).entry(pipe, null).fifo("run/plain", 0600).tar();
        UnpackResult r = unpackWithin(Duration.ofSeconds(20), new LayerUnpacker(), tar, "fifo");
        Path fifo = tmp.resolve("fifo/run/app/pipe");
        assertEquals(S_IFIFO, type(fifo));
        assertEquals(0640, mode(fifo));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(fifo, NOFOLLOW));
        assertEquals(FileTime.from(ATIME), Files.getAttribute(fifo, "lastAccessTime", NOFOLLOW));
        assertEquals(S_IFIFO, type(tmp.resolve("fifo/run/plain")));
        assertEquals(0600, mode(tmp.resolve("fifo/run/plain")));
        assertEquals(TarBuilder.MTIME, Files.getAttribute(tmp.resolve("fifo/run/plain"), "lastAccessTime", NOFOLLOW));
        assertEquals(3, r.entries());
    }

    /** Devices (created on request) and FIFOs owned by another user: owner, then mode (chown clears setuid/setgid). */
    @Test
    @EnabledIfSystemProperty(named = "jplay.it", matches = "true")
    void devicesAndOwnedFifosAreNeverOpened() throws Exception {
        TarBuilder b = new TarBuilder();
        TarArchiveEntry pipe = b.newEntry("srv/pipe", TarConstants.LF_FIFO);
        pipe.setMode(06710);
        pipe.setUserId(1234);
        pipe.setGroupId(5678);
        TarArchiveEntry tty = b.newEntry("dev/tty9", TarConstants.LF_CHR);
        tty.setDevMajor(4);
        tty.setDevMinor(9);
        tty.setMode(0620);
        tty.setGroupId(5);
        TarArchiveEntry loop = b.newEntry("dev/loop200", TarConstants.LF_BLK);
        loop.setDevMajor(7);
        loop.setDevMinor(200);
        loop.setMode(0660);
        loop.setUserId(0);
        loop.setGroupId(6);
        byte[] tar = b.entry(pipe, null).entry(tty, null).entry(loop, null).hardlink("srv/pipe-link", "srv/pipe").tar();
        UnpackResult r = unpackWithin(Duration.ofSeconds(20), new LayerUnpacker(true), tar, "dev");
        Path dev = tmp.resolve("dev");
        assertEquals(List.of(), r.skippedDevices());
        assertEquals(S_IFIFO, type(dev.resolve("srv/pipe")));
        assertEquals(06710, mode(dev.resolve("srv/pipe")));
        assertEquals(1234, Files.getAttribute(dev.resolve("srv/pipe"), "unix:uid", NOFOLLOW));
        assertEquals(5678, Files.getAttribute(dev.resolve("srv/pipe"), "unix:gid", NOFOLLOW));
        assertEquals(Files.getAttribute(dev.resolve("srv/pipe"), "unix:ino", NOFOLLOW),
                Files.getAttribute(dev.resolve("srv/pipe-link"), "unix:ino", NOFOLLOW));
        assertEquals(0020000, type(dev.resolve("dev/tty9")));
        assertEquals((4L << 8) | 9, Files.getAttribute(dev.resolve("dev/tty9"), "unix:rdev", NOFOLLOW));
        assertEquals(0620, mode(dev.resolve("dev/tty9")));
        assertEquals(5, Files.getAttribute(dev.resolve("dev/tty9"), "unix:gid", NOFOLLOW));
        assertEquals(0060000, type(dev.resolve("dev/loop200")));
        assertEquals((7L << 8) | 200, Files.getAttribute(dev.resolve("dev/loop200"), "unix:rdev", NOFOLLOW));
        assertEquals(0660, mode(dev.resolve("dev/loop200")));
        assertEquals(6, Files.getAttribute(dev.resolve("dev/loop200"), "unix:gid", NOFOLLOW));
        for (String p : List.of("srv/pipe", "dev/tty9", "dev/loop200")) {
            assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(dev.resolve(p), NOFOLLOW), p);
        }
    }

    /**
     * Runs an unpack on a daemon thread so that a hang fails this test instead of stalling the suite: a thread
     * stuck in open(2) on a FIFO cannot be interrupted.
     */
    private UnpackResult unpackWithin(Duration limit, LayerUnpacker unpacker, byte[] tar, String dir) throws Exception {
        CompletableFuture<UnpackResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(unpacker.unpack(new ByteArrayInputStream(tar), null, tmp.resolve(dir), UnpackLimits.defaults()));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "unpack-under-test");
        thread.setDaemon(true);
        thread.start();
        try {
            return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement frame : thread.getStackTrace()) {
                stack.append("\n  at ").append(frame);
            }
            return fail("unpack still running after " + limit + ":" + stack);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    static int type(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 0170000;
    }

    /** GNU tar writes binary xattr values raw; commons-compress would decode them as UTF-8 and mangle them. */
    @Test
    @EnabledIfSystemProperty(named = "jplay.it", matches = "true")
    void binaryXattrValuesFromGnuTarSurviveByteForByte() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("xsrc"));
        Files.writeString(src.resolve("ping"), "binary");
        Process set = new ProcessBuilder("setfattr", "-n", "user.bin", "-v", "0x0001ff80c3",
                src.resolve("ping").toString()).inheritIO().start();
        assertEquals(0, set.waitFor());
        Path tarFile = tmp.resolve("x.tar");
        Process tar = new ProcessBuilder("tar", "--xattrs", "--xattrs-include=*", "-cf", tarFile.toString(),
                "-C", src.toString(), "ping").inheritIO().start();
        assertEquals(0, tar.waitFor());
        unpack(Files.readAllBytes(tarFile), null, "x");
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff, (byte) 0x80, (byte) 0xc3},
                userXattr(tmp.resolve("x/ping"), "bin"));
    }

    static byte[] userXattr(Path path, String name) throws Exception {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        ByteBuffer value = ByteBuffer.allocate(view.size(name));
        view.read(name, value);
        return value.array();
    }

    static String getfattr(Path path, String name) throws Exception {
        Process p = new ProcessBuilder("getfattr", "-h", "--only-values", "-n", name, path.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : null;
    }

    private UnpackResult unpack(byte[] blob, String mediaType, String dir) throws Exception {
        return unpacker.unpack(new ByteArrayInputStream(blob), mediaType, tmp.resolve(dir), UnpackLimits.defaults());
    }

    /** The root has no tar entry here: its mtime is whenever the unpack last wrote into it. */
    static Map<String, String> withoutRoot(Map<String, String> tree) {
        tree.remove("/");
        return tree;
    }

    static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
    }
}
