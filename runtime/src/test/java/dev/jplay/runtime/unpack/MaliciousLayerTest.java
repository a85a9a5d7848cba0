package dev.jplay.runtime.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile layers (CVE-2014-6407 symlink/hardlink traversal, CVE-2021-29136 "." replaced by a symlink,
 * CVE-2021-32760 metadata applied through a symlink, and friends). Each either fails with an
 * {@link UnpackException} or is confined; in every case the sentinel directory beside the layer stays
 * byte-for-byte and metadata-for-metadata untouched, and nothing else appears beside the layer.
 */
class MaliciousLayerTest {
    @TempDir
    Path tmp;
    Path layer;
    Path sentinel;
    Map<String, String> sentinelBefore;
    private static Path absoluteSentinel;

    /** The sentinel's absolute path, read when a recipe runs. */
    static String abs() {
        return absoluteSentinel.toString();
    }

    @BeforeEach
    void sentinel() throws IOException {
        layer = tmp.resolve("layer");
        sentinel = Files.createDirectories(tmp.resolve("sentinel"));
        absoluteSentinel = sentinel.toAbsolutePath();
        Files.writeString(sentinel.resolve("secret"), "do not touch");
        Files.setAttribute(sentinel.resolve("secret"), "unix:mode", 0600);
        Files.setLastModifiedTime(sentinel.resolve("secret"), FileTime.fromMillis(1_000_000_000_000L));
        Files.setLastModifiedTime(sentinel, FileTime.fromMillis(1_000_000_000_000L));
        sentinelBefore = TreeSnapshot.of(sentinel, true);
    }

    static Stream<Arguments> failingLayers() {
        String outside = "../sentinel";
        return Stream.of(
                bad("dot-dot file", b -> b.file("../sentinel/evil", "x")),
                bad("dot-dot inside path", b -> b.file("a/../../sentinel/evil", "x")),
                bad("absolute dot-dot", b -> b.file("/../sentinel/evil", "x")),
                bad("file through relative symlink (CVE-2014-6407)",
                        b -> b.symlink("link", outside).file("link/evil", "x")),
                bad("file through absolute symlink", b -> b.symlink("link", abs()).file("link/evil", "x")),
                bad("dir through symlink", b -> b.symlink("link", outside).dir("link/newdir", 0777)),
                bad("symlink through symlink", b -> b.symlink("link", outside).symlink("link/evil", "/etc/passwd")),
                bad("hardlink to outside", b -> b.hardlink("h", "../sentinel/secret")),
                bad("hardlink through symlinked dir", b -> b.symlink("link", outside).hardlink("h", "link/secret")),
                bad("hardlink to absolute outside path", b -> b.hardlink("h", abs() + "/secret")),
                bad("root replaced by symlink (CVE-2021-29136)", b -> b.symlink(".", outside).file("evil", "x")),
                bad("root replaced by symlink, ./ spelling", b -> b.symlink("./", outside)),
                bad("root replaced by file", b -> b.file(".", "x")),
                bad("whiteout through symlink", b -> b.symlink("link", outside).file("link/.wh.secret", "")),
                bad("opaque through symlink", b -> b.symlink("link", outside).file("link/.wh..wh..opq", "")),
                bad("whiteout of ..", b -> b.file("sub/.wh...", "")),
                bad("whiteout of .", b -> b.file(".wh..", "")),
                bad("parent replaced by symlink, then written", b -> b.dir("d", 0755).symlink("d", outside)
                        .file("d/evil", "x")),
                bad("chain of symlinks", b -> b.symlink("a", ".").symlink("b", "a/../sentinel").file("b/evil", "x")));
    }

    private static Arguments bad(String name, Function<TarBuilder, TarBuilder> layer) {
        return Arguments.of(name, layer);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failingLayers")
    void failsWithoutTouchingAnythingOutside(String name, Function<TarBuilder, TarBuilder> recipe) throws Exception {
        byte[] tar = build(recipe);
        UnpackException e = assertThrows(UnpackException.class, () -> unpack(tar), name);
        assertFalse(e.getMessage().isBlank());
        assertOutsideUntouched();
    }

    @Test
    void absolutePathsAreStrippedIntoTheLayer() throws Exception {
        unpack(build(b -> b.file("/etc/evil", "x").file(abs() + "/evil", "y")));
        assertEquals("x", Files.readString(layer.resolve("etc/evil")));
        assertTrue(Files.exists(layer.resolve(sentinel.toString().substring(1)).resolve("evil")));
        assertOutsideUntouched();
    }

    @Test
    void metadataOfASymlinkIsNeverAppliedToItsTarget() throws Exception {
        // CVE-2021-32760: containerd chmod-ed the target of a symlink entry
        TarBuilder b = new TarBuilder();
        TarArchiveEntry s = b.newEntry("s", TarConstants.LF_SYMLINK);
        s.setLinkName(sentinel.resolve("secret").toString());
        s.setMode(07777);
        s.setModTime(FileTime.fromMillis(0));
        unpack(b.entry(s, null).tar());
        assertTrue(Files.isSymbolicLink(layer.resolve("s")));
        assertOutsideUntouched();
    }

    @Test
    void hardlinkToASymlinkLinksTheSymlinkNotItsTarget() throws Exception {
        unpack(build(b -> b.symlink("s", "../sentinel/secret").hardlink("h", "s")));
        assertTrue(Files.isSymbolicLink(layer.resolve("h")));
        assertEquals(1, Files.getAttribute(sentinel.resolve("secret"), "unix:nlink"));
        assertOutsideUntouched();
    }

    @Test
    void deferredDirectoryTimesSkipADirectoryLaterReplacedBySymlink() throws Exception {
        TarBuilder b = new TarBuilder();
        TarArchiveEntry d = b.newEntry("d/", TarConstants.LF_DIR);
        d.setModTime(FileTime.fromMillis(0));
        d.setMode(0777);
        unpack(b.entry(d, null).symlink("d", "../sentinel").tar());
        assertEquals(Path.of("../sentinel"), Files.readSymbolicLink(layer.resolve("d")));
        assertOutsideUntouched();
    }

    @Test
    @EnabledIfSystemProperty(named = "jplay.it", matches = "true")
    void deviceNodesAreSkippedAndXattrsOfReplacedEntriesDropped() throws Exception {
        TarBuilder b = new TarBuilder();
        TarArchiveEntry x = b.newEntry("x/", TarConstants.LF_DIR);
        x.addPaxHeader("SCHILY.xattr.user.evil", "1");
        TarArchiveEntry owner = b.newEntry("o", TarConstants.LF_SYMLINK);
        owner.setLinkName("../sentinel/secret");
        owner.setUserId(4242);
        byte[] tar = b.entry(x, null).symlink("x", "../sentinel")
                .entry(owner, null)
                .device("disk", TarConstants.LF_BLK, 8, 0)
                .device("tty", TarConstants.LF_CHR, 5, 0)
                .tar();
        UnpackResult r = unpack(tar);
        assertEquals(List.of("disk", "tty"), r.skippedDevices());
        assertFalse(Files.exists(layer.resolve("disk"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(4242, Files.getAttribute(layer.resolve("o"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(null, LayerUnpackerTest.getfattr(sentinel, "user.evil"));
        assertOutsideUntouched();
    }

    private static byte[] build(Function<TarBuilder, TarBuilder> recipe) {
        return recipe.apply(new TarBuilder()).tar();
    }

    private UnpackResult unpack(byte[] tar) throws IOException {
        return new LayerUnpacker().unpack(new ByteArrayInputStream(tar), null, layer, UnpackLimits.defaults());
    }

    private void assertOutsideUntouched() throws IOException {
        assertEquals(sentinelBefore, TreeSnapshot.of(sentinel, true));
        try (Stream<Path> beside = Files.list(tmp)) {
            List<String> names = beside.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.equals(List.of("layer", "sentinel")) || names.equals(List.of("sentinel")), names.toString());
        }
    }
}
