package dev.jplay.runtime.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.unpack.TarBuilder;
import dev.jplay.runtime.unpack.TreeSnapshot;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class SnapshotterTest {
    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path tmp;
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void unmountAll() {
        cleanup.forEach(Runnable::run);
    }

    static List<byte[]> threeLayers() {
        byte[] base = new TarBuilder()
                .dir("etc", 0755).file("etc/removed", "gone soon").file("etc/kept", "kept")
                .dir("opt/app", 0750).file("opt/app/old", "old").file("opt/app/sub/deep", "deep")
                .dir("data", 0755).file("data/inner", "inner")
                .file("bin/tool", "tool".getBytes(StandardCharsets.UTF_8), 04755).hardlink("bin/alias", "bin/tool")
                .fifo("run/pipe", 0620) // the copy fallback recreates it, never opening it
                .tar();
        byte[] upper = new TarBuilder()
                .file("etc/.wh.removed", "")
                .file("opt/app/.wh..wh..opq", "").file("opt/app/new", "new")
                .file("data", "data is a file now")
                .symlink("etc/link", "kept")
                .tar();
        byte[] empty = new TarBuilder().tar();
        return List.of(base, upper, empty);
    }

    private List<Digest> store(LayerStore store, List<byte[]> tars) throws IOException {
        List<Digest> ids = new ArrayList<>();
        for (byte[] tar : tars) {
            Digest id = TarBuilder.diffId(tar);
            byte[] blob = TarBuilder.gzip(tar);
            store.ensure(id, GZIP, () -> new ByteArrayInputStream(blob), UnpackLimits.defaults());
            ids.add(id);
        }
        return ids;
    }

    private Snapshotter snapshotter(LayerStore store, Snapshotter.Mode mode) {
        Snapshotter s = new Snapshotter(store, tmp.resolve("containers"), mode);
        cleanup.add(() -> {
            for (String id : List.of("c-overlay", "c-copy", "c-many")) {
                try {
                    s.unmount(id);
                } catch (IOException ignored) {
                    // best effort: the test already failed
                }
            }
        });
        return s;
    }

    @Test
    void overlayAndCopyShowTheSameMergedTree() throws Exception {
        LayerStore store = new LayerStore(tmp.resolve("store"));
        List<Digest> ids = store(store, threeLayers());
        Snapshotter overlay = snapshotter(store, Snapshotter.Mode.OVERLAY);
        Snapshotter copy = snapshotter(store, Snapshotter.Mode.COPY);

        Path merged = overlay.prepare("c-overlay", ids);
        Path flat = copy.prepare("c-copy", ids);

        assertTrue(overlay.isMounted("c-overlay"));
        assertFalse(copy.isMounted("c-copy"));
        assertFalse(Files.exists(merged.resolve("etc/removed"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("kept", Files.readString(merged.resolve("etc/link")));
        assertEquals(List.of("new"), list(merged.resolve("opt/app")));
        assertEquals("data is a file now", Files.readString(merged.resolve("data")));
        assertEquals(Files.getAttribute(merged.resolve("bin/tool"), "unix:ino"),
                Files.getAttribute(merged.resolve("bin/alias"), "unix:ino"));
        assertEquals(0010620, Files.getAttribute(flat.resolve("run/pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS));

        Map<String, String> viaOverlay = TreeSnapshot.of(merged, false);
        Map<String, String> viaCopy = TreeSnapshot.of(flat, false);
        viaOverlay.remove("/"); // overlay's root is the container's own upper dir
        viaCopy.remove("/");
        assertEquals(viaOverlay, viaCopy);

        assertEquals(merged, overlay.prepare("c-overlay", ids)); // idempotent
        overlay.unmount("c-overlay");
        assertFalse(overlay.isMounted("c-overlay"));
        overlay.remove("c-overlay");
        copy.remove("c-copy");
        assertFalse(Files.exists(tmp.resolve("containers/c-overlay")));
        assertFalse(Files.exists(tmp.resolve("containers/c-copy")));
        assertTrue(store.has(ids.get(0)), "layers survive container removal");
    }

    @Test
    void manyLayersFitTheMountOptionLimitThroughRelativePaths() throws Exception {
        LayerStore store = new LayerStore(tmp.resolve("a-rather-long-store-directory-name-to-make-paths-longer"));
        List<byte[]> tars = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            tars.add(new TarBuilder().file("layer-" + i, "x").file("top", "from " + i).tar());
        }
        List<Digest> ids = store(store, tars);
        int absoluteLength = ids.stream().mapToInt(id -> store.fs(id).toString().length() + 1).sum();
        assertTrue(absoluteLength > 4096, "absolute lowerdirs would exceed a page: " + absoluteLength);
        Snapshotter s = snapshotter(store, Snapshotter.Mode.OVERLAY);
        Path rootfs = s.prepare("c-many", ids);
        assertEquals("from 119", Files.readString(rootfs.resolve("top")));
        assertEquals(121, list(rootfs).size());
        s.remove("c-many");
    }

    @Test
    void concurrentRequestsShareOneUnpackAndWrongDiffIdsAreNotKept() throws Exception {
        LayerStore store = new LayerStore(tmp.resolve("store"));
        byte[] tar = threeLayers().get(0);
        Digest id = TarBuilder.diffId(tar);
        byte[] blob = TarBuilder.gzip(tar);
        AtomicInteger opens = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> store.ensure(id, GZIP, () -> {
                    opens.incrementAndGet();
                    pause(); // keep the first unpack running while the others arrive
                    return new ByteArrayInputStream(blob);
                }, UnpackLimits.defaults())));
            }
            for (Future<Path> f : results) {
                assertEquals(store.fs(id), f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, opens.get());
        assertEquals(id.toString(), store.result(id).diffId());

        byte[] other = threeLayers().get(1);
        Digest claimed = TarBuilder.diffId("something else".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> store.ensure(claimed, null,
                () -> new ByteArrayInputStream(other), UnpackLimits.defaults()));
        assertTrue(e.getMessage().contains("expected " + claimed), e.getMessage());
        assertFalse(store.has(claimed));
        assertEquals(List.of(), list(tmp.resolve("store/tmp")));
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
