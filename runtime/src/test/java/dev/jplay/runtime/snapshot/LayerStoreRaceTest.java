package dev.jplay.runtime.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.unpack.TarBuilder;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerStoreRaceTest {
    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path tmp;

    @Test
    void twoStoresOnOneRootBothUnpackTheSameLayer() throws Exception {
        byte[] tar = new TarBuilder().dir("etc", 0755).file("etc/os-release", "ID=test\n").tar();
        Digest diffId = TarBuilder.diffId(tar);
        byte[] blob = TarBuilder.gzip(tar);
        // Two stores = two agents: their in-process "one unpack per layer" cannot see each other.
        LayerStore first = new LayerStore(tmp);
        LayerStore second = new LayerStore(tmp);
        CountDownLatch bothOpened = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Path> a = pool.submit(() -> first.ensure(diffId, GZIP, afterBoth(bothOpened, blob), UnpackLimits.defaults()));
            Future<Path> b = pool.submit(() -> second.ensure(diffId, GZIP, afterBoth(bothOpened, blob), UnpackLimits.defaults()));
            assertEquals(a.get(20, TimeUnit.SECONDS), b.get(20, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals("ID=test\n", Files.readString(first.fs(diffId).resolve("etc/os-release")));
        try (var left = Files.list(tmp.resolve("tmp"))) {
            assertEquals(List.of(), left.toList(), "the second copy and both lock files are gone");
        }
    }

    /** A blob that opens only once both unpacks have started: both then unpack, neither finds the other's layer. */
    private static LayerStore.BlobOpener afterBoth(CountDownLatch bothOpened, byte[] blob) {
        return () -> {
            bothOpened.countDown();
            try {
                if (!bothOpened.await(10, TimeUnit.SECONDS)) throw new IOException("the other unpack never started");
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            return new ByteArrayInputStream(blob);
        };
    }
}
