package dev.jplay.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.Digest;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
    @TempDir Path root;

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void storesVerifiedBlobsUnderTheirDigest() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] content = random(100_000, 1);
        Digest digest = Digest.of(content);
        store.write(digest, content.length, new ByteArrayInputStream(content));
        assertTrue(store.has(digest));
        assertEquals(root.resolve("blobs/sha256/" + digest.hex()), store.path(digest));
        assertArrayEquals(content, store.open(digest).readAllBytes());
        assertEquals(Set.of(digest), store.list());
        assertTrue(store.delete(digest));
        assertFalse(store.has(digest));
        assertThrows(NoSuchFileException.class, () -> store.open(digest));
    }

    @Test
    void rejectsWrongDigestAndWrongSizeWithoutPublishing() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] content = random(1000, 2);
        Digest other = Digest.of(random(1000, 3));
        ContentMismatchException digest = assertThrows(ContentMismatchException.class,
                () -> store.write(other, content.length, new ByteArrayInputStream(content)));
        assertEquals(ContentMismatchException.Kind.DIGEST, digest.kind());
        assertFalse(store.has(other));
        assertEquals(0, store.partialOffset(other), "wrong bytes are not kept for resume");

        Digest right = Digest.of(content);
        assertEquals(ContentMismatchException.Kind.SIZE, assertThrows(ContentMismatchException.class,
                () -> store.write(right, 999, new ByteArrayInputStream(content))).kind());
        assertEquals(ContentMismatchException.Kind.SIZE, assertThrows(ContentMismatchException.class,
                () -> store.write(right, 1001, new ByteArrayInputStream(content))).kind());
        assertFalse(store.has(right));
    }

    @Test
    void resumesAPartialIngestFromItsOffset() throws Exception {
        byte[] content = random(300_000, 4);
        Digest digest = Digest.of(content);
        try (Ingest ingest = new ContentStore(root).ingest(digest, content.length)) {
            ingest.write(content, 0, 120_000);
        } // closed without commit: the partial stays
        assertTrue(Files.exists(root.resolve("ingest/" + digest.hex() + ".partial")));

        ContentStore reopened = new ContentStore(root); // e.g. after an agent restart
        assertEquals(120_000, reopened.partialOffset(digest));
        try (Ingest ingest = reopened.ingest(digest, content.length)) {
            assertEquals(120_000, ingest.offset());
            assertArrayEquals(java.util.Arrays.copyOf(content, 120_000), ingest.openWritten().readAllBytes());
            ingest.write(content, 120_000, content.length - 120_000);
            ingest.commit();
        }
        assertArrayEquals(content, reopened.read(digest));
        assertFalse(Files.exists(root.resolve("ingest/" + digest.hex() + ".partial")));
    }

    @Test
    void concurrentIngestsOfOneDigestWriteItOnce() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] content = random(2_000_000, 5);
        Digest digest = Digest.of(content);
        AtomicInteger writers = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try (Ingest ingest = store.ingest(digest, content.length)) {
                        if (ingest.isComplete()) return null;
                        writers.incrementAndGet();
                        for (int off = 0; off < content.length; off += 65536) {
                            ingest.write(content, off, Math.min(65536, content.length - off));
                        }
                        ingest.commit();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) future.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, writers.get());
        assertArrayEquals(content, store.read(digest));
        try (var leftovers = Files.list(root.resolve("ingest"))) {
            assertEquals(List.of(), leftovers.toList(), "no partial or lock file left");
        }
    }

    @Test
    void aBigBlobIsFlushedWhileItIsWrittenAndCommittedWhole() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] content = random((int) (2.5 * Ingest.FLUSH_EVERY), 21);
        Digest digest = Digest.of(content);
        try (Ingest ingest = store.ingest(digest, content.length)) {
            for (int at = 0; at < content.length; at += 128 * 1024) {
                ingest.write(content, at, Math.min(128 * 1024, content.length - at));
            }
            assertTrue(ingest.backgroundFlushes() >= 1, "a flush started once " + Ingest.FLUSH_EVERY + " bytes were written");
            assertTrue(ingest.backgroundFlushes() <= 2, "at most one flush per " + Ingest.FLUSH_EVERY + " bytes: " + ingest.backgroundFlushes());
            assertFalse(store.has(digest), "not visible before the commit");
            ingest.commit();
        }
        assertArrayEquals(content, store.read(digest));

        byte[] small = random(100_000, 22);
        try (Ingest ingest = store.ingest(Digest.of(small), small.length)) {
            ingest.write(small, 0, small.length);
            assertEquals(0, ingest.backgroundFlushes(), "a small blob has only the commit's fsync");
            ingest.commit();
        }
        assertArrayEquals(small, store.read(Digest.of(small)));
    }

    @Test
    void aBigBlobWithTheWrongDigestIsNotPublishedThoughItWasFlushed() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] content = random((int) Ingest.FLUSH_EVERY + 1000, 23);
        Digest other = Digest.of(random(10, 24));
        assertEquals(ContentMismatchException.Kind.DIGEST, assertThrows(ContentMismatchException.class,
                () -> store.write(other, content.length, new ByteArrayInputStream(content))).kind());
        assertFalse(store.has(other));
        assertEquals(0, store.partialOffset(other));
    }

    @Test
    void putComputesTheDigest() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] content = "{\"a\":1}".getBytes();
        Digest digest = store.put(content);
        assertEquals(Digest.of(content), digest);
        assertEquals(digest, store.put(content), "idempotent");
        assertEquals(1, store.list().size());
    }

    @Test
    void imageStoreSurvivesAReloadAndForgets() throws Exception {
        ContentStore content = new ContentStore(root.resolve("c"));
        Path file = root.resolve("images.json");
        Digest digest = Digest.of(new byte[] {1});
        new ImageStore(file, content).record("docker.io/library/app:v1", digest, "application/vnd.oci.image.manifest.v1+json");
        ImageStore reloaded = new ImageStore(file, content);
        assertEquals(digest, reloaded.get("docker.io/library/app:v1").orElseThrow().digest());
        try (java.util.stream.Stream<Path> left = Files.list(root)) {
            assertEquals(java.util.List.of("c", "images.json", "images.json.lock"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp file left beside images.json");
        }
        assertTrue(reloaded.remove("docker.io/library/app:v1"));
        assertFalse(reloaded.remove("docker.io/library/app:v1"));
        assertTrue(new ImageStore(file, content).all().isEmpty());
    }

    @Test
    void sweepKeepsResumablePartialsAndLiveIngestsAndDropsTheUselessOnes() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] resumable = random(10_000, 11);
        byte[] published = random(10_000, 12);
        byte[] empty = random(10_000, 13);
        byte[] live = random(10_000, 14);
        try (Ingest i = store.ingest(Digest.of(resumable), resumable.length)) {
            i.write(resumable, 0, 4000); // then the agent died: a later pull resumes at 4000
        }
        try (Ingest i = store.ingest(Digest.of(published), published.length)) {
            i.write(published, 0, 3000);
        }
        Files.write(store.path(Digest.of(published)), published); // another copy made it meanwhile
        try (Ingest i = store.ingest(Digest.of(empty), empty.length)) {
            // the download failed before its first byte
        }
        try (Ingest running = store.ingest(Digest.of(live), live.length)) {
            assertEquals(3000, store.sweepIngests(), "only the partial of a present blob held bytes worth reclaiming");
            assertTrue(Files.exists(root.resolve("ingest/" + Digest.of(live).hex() + ".partial")), "a live ingest keeps its file");
        }
        assertEquals(4000, store.partialOffset(Digest.of(resumable)), "a resumable download stays");
        assertEquals(0, store.partialOffset(Digest.of(published)));
        assertFalse(Files.exists(root.resolve("ingest/" + Digest.of(published).hex() + ".lock")), "its lock went with it");
        assertFalse(Files.exists(root.resolve("ingest/" + Digest.of(empty).hex() + ".partial")));
        assertArrayEquals(published, store.read(Digest.of(published)), "the blob itself is untouched");
    }
}
