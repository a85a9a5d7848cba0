package dev.jplay.runtime.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.unpack.TarBuilder;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Two agents (each its own Snapshotter) preparing the same container's rootfs at once: one overlay mount, never two. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class SnapshotterSharingTest {
    private static final int ROUNDS = 10;

    @TempDir
    Path tmp;
    private final List<Snapshotter> made = new ArrayList<>();

    @AfterEach
    void unmountAll() throws Exception {
        for (Snapshotter s : made) {
            for (int i = 0; i < ROUNDS; i++) {
                while (s.isMounted("c" + i)) s.unmount("c" + i);
            }
        }
    }

    @Test
    void twoAgentsPreparingOneRootfsMountItOnce() throws Exception {
        LayerStore layers = new LayerStore(tmp.resolve("store"));
        byte[] tar = new TarBuilder().dir("etc", 0755).file("etc/hostname", "shared\n").tar();
        Digest id = TarBuilder.diffId(tar);
        byte[] blob = TarBuilder.gzip(tar);
        layers.ensure(id, "application/vnd.oci.image.layer.v1.tar+gzip", () -> new ByteArrayInputStream(blob), UnpackLimits.defaults());
        Snapshotter first = new Snapshotter(layers, tmp.resolve("snapshots"), Snapshotter.Mode.OVERLAY);
        Snapshotter second = new Snapshotter(layers, tmp.resolve("snapshots"), Snapshotter.Mode.OVERLAY);
        made.add(first);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < ROUNDS; i++) {
                String container = "c" + i;
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Path> a = pool.submit(() -> { together.await(); return first.prepare(container, List.of(id)); });
                Future<Path> b = pool.submit(() -> { together.await(); return second.prepare(container, List.of(id)); });
                Path rootfs = a.get(30, TimeUnit.SECONDS);
                assertEquals(rootfs, b.get(30, TimeUnit.SECONDS));
                assertEquals(1, mountsAt(rootfs), "round " + i + ": " + rootfs + " mounted once");
                assertEquals("shared\n", Files.readString(rootfs.resolve("etc/hostname")));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long mountsAt(Path path) throws Exception {
        String target = path.toAbsolutePath().normalize().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.split(" ")[4].equals(target)).count();
    }
}
