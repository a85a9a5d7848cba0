package dev.jplay.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two agents on one host, each with its own ImageStore on the same images.json. */
class ImageStoreSharingTest {
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path root;

    @Test
    void twoStoresRecordingAtOnceKeepEveryRecord() throws Exception {
        ContentStore content = new ContentStore(root);
        Path file = root.resolve("images.json");
        ImageStore first = new ImageStore(file, content);
        ImageStore second = new ImageStore(file, content);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> recordMany(first, "a"));
            Future<?> b = pool.submit(() -> recordMany(second, "b"));
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(80, new ImageStore(file, content).all().size(), "no agent's write dropped the other's records");
        assertTrue(first.get("reg.example/b:39").isPresent(), "a store sees what another recorded since it read the file");
        assertTrue(second.remove("reg.example/a:0"));
        assertFalse(first.get("reg.example/a:0").isPresent());
    }

    private static Void recordMany(ImageStore store, String repo) throws Exception {
        for (int i = 0; i < 40; i++) {
            String ref = "reg.example/" + repo + ":" + i;
            store.record(ref, Digest.of(ref.getBytes(StandardCharsets.UTF_8)), OCI_MANIFEST);
        }
        return null;
    }
}
