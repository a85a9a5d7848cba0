package dev.jplay.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.MediaTypes;
import dev.jplay.runtime.image.Platform;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.store.ImageStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real docker-registry, through a fault-injecting proxy that also counts requests. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@Timeout(120)
class ImagePullerIntegrationTest {
    @TempDir static Path registryDir;
    static RegistryServer registry;
    static TestImage app;      // OCI, 2 layers, tag app:v1
    static TestImage amd64;    // index members
    static TestImage arm64;
    static Digest indexDigest;
    static TestImage docker;   // Docker schema 2, tag legacy:v1
    static TestImage wide;     // 6 layers, for parallelism
    static TestImage big;      // one 3 MB layer, for truncation and resume

    @TempDir Path work;
    FaultProxy proxy;
    ContentStore store;
    ImageStore images;

    @BeforeAll
    static void startRegistryAndPush() throws Exception {
        registry = RegistryServer.builder(registryDir).start();
        RegistryPusher pusher = new RegistryPusher(registry.base());
        app = TestImage.oci("amd64", List.of(TestImage.textLayer("etc/app.conf", "port=8080\n"),
                TestImage.randomLayer("bin/app", 200_000, 1)));
        pusher.push("team/app", "v1", app);
        amd64 = TestImage.oci("amd64", List.of(TestImage.textLayer("arch", "amd64")));
        arm64 = TestImage.oci("arm64", List.of(TestImage.textLayer("arch", "arm64")));
        pusher.push("multi", "amd64-only", amd64);
        pusher.push("multi", "arm64-only", arm64);
        Map<String, TestImage> platforms = new LinkedHashMap<>();
        platforms.put("arm64/v8", arm64);
        platforms.put("amd64", amd64);
        TestImage.Blob index = TestImage.index(platforms);
        pusher.pushManifest("multi", "v1", index);
        indexDigest = index.digest();
        docker = TestImage.docker("amd64", List.of(TestImage.textLayer("legacy", "schema2")));
        pusher.push("legacy", "v1", docker);
        List<TestImage.Layer> layers = new ArrayList<>();
        for (int i = 0; i < 6; i++) layers.add(TestImage.randomLayer("layer" + i, 50_000, 100 + i));
        wide = TestImage.oci("amd64", layers);
        pusher.push("wide", "v1", wide);
        big = TestImage.oci("amd64", List.of(TestImage.randomLayer("big.bin", 3_000_000, 7)));
        pusher.push("big", "v1", big);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) registry.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        proxy = new FaultProxy(registry.base());
        store = new ContentStore(work.resolve("content"));
        images = new ImageStore(work.resolve("images.json"), store);
    }

    @AfterEach
    void tearDown() throws Exception {
        proxy.close();
    }

    private ImagePuller puller() throws Exception {
        return new ImagePuller(RegistryClient.builder().insecure(proxy.hostPort()).build(), store, images);
    }

    private ImageReference ref(String nameAndTag) {
        return ImageReference.parse(proxy.hostPort() + "/" + nameAndTag);
    }

    private static PullOptions.Builder fastRetries() {
        return PullOptions.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private long blobGets(Digest digest) {
        return proxy.requests().stream().filter(r -> r.isBlobGet() && r.path().endsWith(digest.toString())).count();
    }

    @Test
    void pullsOciImageByTagWithConfigLayersAndDiffIds() throws Exception {
        PullResult result = puller().pull(ref("team/app:v1"), PullOptions.defaults());

        assertTrue(result.changed());
        assertEquals(app.manifest.digest(), result.manifestDigest());
        assertEquals(app.manifest.digest(), result.resolvedDigest());
        assertEquals(MediaTypes.OCI_MANIFEST, result.manifestMediaType());
        assertEquals(app.config.digest(), result.configDigest());
        assertEquals(List.of("/bin/app"), result.config().entrypoint());
        assertEquals(List.of("--arch", "amd64"), result.config().cmd());
        assertEquals(List.of("PATH=/usr/bin:/bin", "ARCH=amd64"), result.config().env());
        assertEquals("/srv", result.config().workingDir());
        assertEquals("1000:1000", result.config().user());
        assertEquals(Set.of("8080/tcp"), result.config().exposedPorts());
        assertEquals(Map.of("org.example.arch", "amd64"), result.config().labels());
        assertEquals(2, result.layers().size());
        for (int i = 0; i < 2; i++) {
            PulledLayer layer = result.layers().get(i);
            TestImage.Layer pushed = app.layers.get(i);
            assertEquals(pushed.blob().digest(), layer.digest());
            assertEquals(pushed.blob().bytes().length, layer.size());
            assertEquals(pushed.diffId(), layer.diffId());
            assertEquals(MediaTypes.OCI_LAYER_GZIP, layer.mediaType());
            assertArrayEquals(pushed.blob().bytes(), Files.readAllBytes(layer.path()));
        }
        assertEquals(app.manifest.digest(), images.get(result.reference().toString()).orElseThrow().digest());
        assertTrue(store.has(app.manifest.digest()), "manifest kept for offline use and prune");
    }

    @Test
    void pullsByDigestAndVerifiesTheManifest() throws Exception {
        ImageReference pinned = ref("team/app@" + app.manifest.digest());
        PullResult result = puller().pull(pinned, PullOptions.defaults());
        assertEquals(app.manifest.digest(), result.manifestDigest());
        assertTrue(proxy.requests().stream().anyMatch(r -> r.path().endsWith("/manifests/" + app.manifest.digest())));

        // digest of another image's manifest under a tag-less reference: the registry has no such manifest here
        ImageReference unknown = ref("team/app@" + docker.manifest.digest());
        PullException e = assertThrows(PullException.class, () -> puller().pull(unknown, PullOptions.defaults()));
        assertEquals(Step.RESOLVE, e.step());
        assertEquals(PullException.NOT_FOUND, e.code());
        assertEquals(404, e.httpStatus());
    }

    @Test
    void selectsThePlatformFromAnIndex() throws Exception {
        PullResult arm = puller().pull(ref("multi:v1"), PullOptions.builder().platform(Platform.parse("linux/arm64")).build());
        assertEquals(indexDigest, arm.resolvedDigest());
        assertEquals(arm64.manifest.digest(), arm.manifestDigest());
        assertEquals("arm64", arm.config().architecture());

        PullResult host = puller().pull(ref("multi:v1"), PullOptions.builder().platform(Platform.parse("linux/amd64")).build());
        assertEquals(amd64.manifest.digest(), host.manifestDigest());
        assertEquals(List.of("ARCH=amd64"), host.config().env().subList(1, 2));

        PullException e = assertThrows(PullException.class,
                () -> puller().pull(ref("multi:v1"), PullOptions.builder().platform(Platform.parse("linux/s390x")).build()));
        assertEquals(Step.MANIFEST, e.step());
        assertEquals(PullException.PLATFORM_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("linux/arm64/v8"), e.getMessage());
    }

    @Test
    void pullsDockerSchema2() throws Exception {
        PullResult result = puller().pull(ref("legacy:v1"), PullOptions.defaults());
        assertEquals(MediaTypes.DOCKER_MANIFEST, result.manifestMediaType());
        assertEquals(MediaTypes.DOCKER_LAYER_GZIP, result.layers().get(0).mediaType());
        assertEquals(docker.layers.get(0).diffId(), result.layers().get(0).diffId());
    }

    @Test
    void presentImageCostsOneHeadAndNoBlobGet() throws Exception {
        puller().pull(ref("multi:v1"), PullOptions.defaults());
        proxy.clearRequests();

        PullResult again = puller().pull(ref("multi:v1"), PullOptions.defaults());
        assertFalse(again.changed());
        assertEquals(0, again.bytesDownloaded());
        assertEquals(List.of("HEAD /v2/multi/manifests/v1"),
                proxy.requests().stream().map(r -> r.method() + " " + r.path()).collect(Collectors.toList()));

        proxy.clearRequests();
        PullResult offline = puller().pull(ref("multi:v1"), PullOptions.builder().knownDigest(indexDigest).build());
        assertFalse(offline.changed());
        assertEquals(amd64.manifest.digest(), offline.manifestDigest());
        assertEquals(List.of(), proxy.requests(), "known digest fully present: no request at all");
    }

    @Test
    void downloadsLayersInParallelUpToTheLimit() throws Exception {
        proxy.inject(FaultProxy.Request::isBlobGet, new FaultProxy.Delay(300), 100);
        PullResult result = puller().pull(ref("wide:v1"), PullOptions.builder().parallelism(3).build());
        assertEquals(6, result.layers().size());
        assertEquals(3, proxy.maxConcurrentBlobGets());
        for (TestImage.Layer layer : wide.layers) assertTrue(store.has(layer.blob().digest()));
    }

    @Test
    void retriesA500AndGivesUpWithItsCode() throws Exception {
        Digest layer = app.layers.get(1).blob().digest();
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Status(500), 1);
        puller().pull(ref("team/app:v1"), fastRetries().build());
        assertEquals(2, blobGets(layer), "one failed GET, one retry");

        ContentStore other = new ContentStore(work.resolve("other"));
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Status(503), 100);
        PullException e = assertThrows(PullException.class, () -> new ImagePuller(RegistryClient.builder()
                .insecure(proxy.hostPort()).build(), other, null).pull(ref("team/app:v1"), fastRetries().maxAttempts(3).build()));
        assertEquals(Step.FETCH, e.step());
        assertEquals("REGISTRY_HTTP_503", e.code());
        assertEquals(503, e.httpStatus());
        assertEquals(layer, e.digest());
        assertTrue(e.url().startsWith("http://" + proxy.hostPort() + "/v2/team/app/blobs/"), e.url());
    }

    @Test
    void resumesATruncatedDownloadWithARangeRequest() throws Exception {
        Digest layer = big.layers.get(0).blob().digest();
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Truncate(1_000_000), 1);
        PullResult result = puller().pull(ref("big:v1"), fastRetries().build());
        assertArrayEquals(big.layers.get(0).blob().bytes(), Files.readAllBytes(result.layers().get(0).path()));
        List<FaultProxy.Request> gets = proxy.requests().stream().filter(r -> r.isBlobGet() && r.path().endsWith(layer.toString())).toList();
        assertEquals(2, gets.size());
        assertNull(gets.get(0).header("range"));
        String range = gets.get(1).header("range");
        assertTrue(range != null && range.startsWith("bytes=") && !range.equals("bytes=0-"), "resumed with " + range);
        long resumedAt = Long.parseLong(range.substring(6, range.length() - 1));
        assertTrue(resumedAt > 0 && resumedAt <= 1_000_000, "resumed at " + resumedAt);
    }

    @Test
    void resumesAPartialLeftByAnEarlierFailedPull() throws Exception {
        Digest layer = big.layers.get(0).blob().digest();
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Truncate(1_500_000), 1);
        PullException e = assertThrows(PullException.class, () -> puller().pull(ref("big:v1"), fastRetries().maxAttempts(1).build()));
        assertEquals(Step.FETCH, e.step());
        assertEquals(PullException.TRUNCATED, e.code()); // the connection closed early: fewer bytes than Content-Length
        assertEquals(layer, e.digest());
        long partial = store.partialOffset(layer);
        assertTrue(partial > 0 && partial <= 1_500_000, "partial of " + partial + " bytes kept");

        proxy.clearRequests();
        puller().pull(ref("big:v1"), PullOptions.defaults());
        FaultProxy.Request resumed = proxy.requests().stream().filter(FaultProxy.Request::isBlobGet).findFirst().orElseThrow();
        assertEquals("bytes=" + partial + "-", resumed.header("range"));
        assertArrayEquals(big.layers.get(0).blob().bytes(), store.read(layer));
    }

    /** A registry or proxy that drops one response: a manifest body shorter than its Content-Length is retried. */
    @Test
    void aManifestCutShortIsTruncatedAndRetried() throws Exception {
        proxy.inject(ImagePullerIntegrationTest::isManifestGet, new FaultProxy.Truncate(100), 1);
        PullResult result = puller().pull(ref("team/app:v1"), fastRetries().build());
        assertEquals(app.manifest.digest(), result.manifestDigest());
        assertArrayEquals(app.manifest.bytes(), store.read(app.manifest.digest()));
        assertEquals(2, manifestGets());

        ContentStore other = new ContentStore(work.resolve("other"));
        proxy.inject(ImagePullerIntegrationTest::isManifestGet, new FaultProxy.Truncate(100), 1);
        PullException e = assertThrows(PullException.class, () -> new ImagePuller(RegistryClient.builder()
                .insecure(proxy.hostPort()).build(), other, null).pull(ref("team/app:v1"), fastRetries().maxAttempts(1).build()));
        assertEquals(Step.RESOLVE, e.step());
        assertEquals(PullException.TRUNCATED, e.code());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("100 of " + app.manifest.bytes().length + " bytes"), e.getMessage());
        assertEquals(app.manifest.digest(), e.digest());
        assertFalse(other.has(app.manifest.digest()));
    }

    /** Wrong bytes of the full length are what the registry serves: asking again would not help. */
    @Test
    void aManifestOfFullLengthWithWrongBytesIsNotRetried() throws Exception {
        proxy.inject(ImagePullerIntegrationTest::isManifestGet, new FaultProxy.Corrupt(), 1);
        PullException e = assertThrows(PullException.class, () -> puller().pull(ref("team/app:v1"), fastRetries().build()));
        assertEquals(Step.VERIFY, e.step());
        assertEquals(PullException.DIGEST_MISMATCH, e.code());
        assertFalse(e.retryable());
        assertEquals(1, manifestGets());
        assertFalse(store.has(app.manifest.digest()));
    }

    private static boolean isManifestGet(FaultProxy.Request r) {
        return r.method().equals("GET") && r.path().contains("/manifests/");
    }

    private long manifestGets() {
        return proxy.requests().stream().filter(ImagePullerIntegrationTest::isManifestGet).count();
    }

    @Test
    void corruptBytesFailVerificationAndAreNotKept() throws Exception {
        Digest layer = app.layers.get(1).blob().digest();
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Corrupt(), 1);
        PullException e = assertThrows(PullException.class, () -> puller().pull(ref("team/app:v1"), fastRetries().build()));
        assertEquals(Step.VERIFY, e.step());
        assertEquals(PullException.DIGEST_MISMATCH, e.code());
        assertEquals(layer, e.digest());
        assertFalse(store.has(layer));
        assertEquals(0, store.partialOffset(layer), "a wrong partial must not be resumed");
    }

    @Test
    void droppedConnectionsAreRetriedThenReported() throws Exception {
        Digest layer = app.layers.get(0).blob().digest();
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Drop(), 2);
        puller().pull(ref("team/app:v1"), fastRetries().build());
        assertEquals(3, blobGets(layer));

        proxy.inject(r -> r.method().equals("HEAD"), new FaultProxy.Drop(), 100);
        PullException e = assertThrows(PullException.class, () -> puller().pull(ref("team/app:v1"), fastRetries().maxAttempts(2).build()));
        assertEquals(Step.RESOLVE, e.step());
        assertEquals(PullException.CONNECTION, e.code());
    }

    /** The client's read timeout is the pull's progress timeout, as RegistryAccess sets it. */
    private ImagePuller puller(Duration progressTimeout) throws Exception {
        return new ImagePuller(RegistryClient.builder().insecure(proxy.hostPort()).requestTimeout(progressTimeout).build(), store, images);
    }

    @Test
    void aBodyThatStallsEndsThePullAtItsProgressTimeoutNotRetried() throws Exception {
        Digest layer = big.layers.get(0).blob().digest();
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Stall(200_000, 20_000), 1);
        List<String> seen = new ArrayList<>();
        PullProgress progress = new PullProgress() {
            @Override public void received(Digest blob, long received, long size) {
                if (blob.equals(layer)) seen.add(received + "/" + size);
            }
            @Override public void ended(Digest blob) { }
        };
        long start = System.nanoTime();
        PullException e = assertThrows(PullException.class, () -> puller(Duration.ofMillis(500)).pull(ref("big:v1"),
                fastRetries().progressTimeout(Duration.ofMillis(500)).progress(progress).build()));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Step.FETCH, e.step());
        assertEquals(PullException.TIMEOUT, e.code());
        assertEquals(layer, e.digest());
        assertTrue(e.getMessage().contains("pull progress timeout 500 ms") && e.getMessage().contains("after 200000 of 3"),
                e.getMessage());
        assertFalse(e.retryable());
        assertEquals(1, blobGets(layer), "a stalled pull is not retried");
        assertTrue(ms < 5_000, "ended after " + ms + " ms, not after the 20 s stall");
        assertTrue(seen.contains("200000/" + big.layers.get(0).blob().bytes().length), "progress said how far: " + seen);
    }

    @Test
    void aRegistryThatAcceptsButNeverAnswersEndsThePullAtItsProgressTimeout() throws Exception {
        proxy.inject(r -> r.method().equals("HEAD"), new FaultProxy.Delay(20_000), 100);
        long start = System.nanoTime();
        PullException e = assertThrows(PullException.class, () -> puller(Duration.ofMillis(500)).pull(ref("team/app:v1"),
                fastRetries().progressTimeout(Duration.ofMillis(500)).build()));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(PullException.TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("fetching the manifest of " + ref("team/app:v1")), e.getMessage());
        assertEquals(1, proxy.requests().stream().filter(r -> r.method().equals("HEAD")).count(), "not retried");
        assertTrue(ms < 5_000, "ended after " + ms + " ms");
    }

    @Test
    void aPullMayTakeLongerThanItsProgressTimeoutWhileBytesKeepComing() throws Exception {
        Digest layer = app.layers.get(1).blob().digest(); // 200 KB: 4 pieces, 250 ms apart: ~1 s in all
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Trickle(250), 1);
        long start = System.nanoTime();
        PullResult result = puller(Duration.ofMillis(600)).pull(ref("team/app:v1"),
                fastRetries().progressTimeout(Duration.ofMillis(600)).build());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms > 600, "took " + ms + " ms: longer than the progress timeout in all");
        assertTrue(store.has(layer));
        assertEquals(1, blobGets(layer), "never stalled, never retried");
        assertEquals(2, result.layers().size());
    }

    @Test
    void rejectsAManifestWhoseContentTypeDisagreesWithItsMediaType() throws Exception {
        proxy.inject(r -> r.method().equals("GET") && r.path().contains("/manifests/"), new FaultProxy.ContentType(MediaTypes.OCI_INDEX), 1);
        PullException e = assertThrows(PullException.class, () -> puller().pull(ref("team/app:v1"), PullOptions.defaults()));
        assertEquals(Step.MANIFEST, e.step());
        assertEquals(PullException.MEDIATYPE_MISMATCH, e.code());
        assertFalse(store.has(app.manifest.digest()));
    }

    @Test
    void credentialsAreNotSentToTheHostABlobRedirectsTo() throws Exception {
        proxy.requireBasic("alice", "s3cret");
        try (FaultProxy storage = new FaultProxy(registry.base(), "127.0.0.2")) {
            proxy.inject(FaultProxy.Request::isBlobGet, new FaultProxy.RedirectTo(storage.base()), 100);
            RegistryClient client = RegistryClient.builder().insecure(proxy.hostPort())
                    .credentials(CredentialProvider.of(Map.of(proxy.hostPort(), new Credentials("alice", "s3cret")))).build();
            PullResult result = new ImagePuller(client, store, null).pull(ref("team/app:v1"), PullOptions.defaults());

            assertEquals(3, storage.requests().size(), "config and two layers fetched from the storage host");
            assertTrue(storage.requests().stream().allMatch(r -> r.header("authorization") == null), "no credentials leaked");
            assertTrue(proxy.requests().stream().filter(FaultProxy.Request::isBlobGet).allMatch(r -> r.header("authorization") != null));
            assertArrayEquals(app.layers.get(1).blob().bytes(), Files.readAllBytes(result.layers().get(1).path()));
        }
    }

    @Test
    void missingCredentialsAreReportedAsAuthFailure() throws Exception {
        proxy.requireBasic("alice", "s3cret");
        PullException e = assertThrows(PullException.class, () -> puller().pull(ref("team/app:v1"), PullOptions.defaults()));
        assertEquals(Step.AUTH, e.step());
        assertEquals(PullException.UNAUTHORIZED, e.code());
    }

    @Test
    void twoParallelPullsOfOneImageFetchEachBlobOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ImagePuller puller = puller();
            List<Future<PullResult>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) results.add(pool.submit(() -> puller.pull(ref("wide:v1"), PullOptions.defaults())));
            for (Future<PullResult> result : results) assertEquals(wide.manifest.digest(), result.get().manifestDigest());
        } finally {
            pool.shutdownNow();
        }
        for (TestImage.Layer layer : wide.layers) assertEquals(1, blobGets(layer.blob().digest()), "layer " + layer.blob().digest());
        assertEquals(1, blobGets(wide.config.digest()));
    }

    @Test
    void layerListenerSeesExactlyTheBlobBytesEvenAcrossAResume() throws Exception {
        Digest layer = big.layers.get(0).blob().digest();
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Truncate(700_000), 1);
        Map<Digest, Digest> seen = new ConcurrentHashMap<>();
        PullOptions options = fastRetries().layerListener((pulled, in) -> seen.put(pulled.digest(), sha256(in))).build();
        puller().pull(ref("big:v1"), options);
        assertEquals(Map.of(layer, layer), seen);
        assertEquals(2, blobGets(layer));

        seen.clear(); // present layers are fed from the store
        puller().pull(ref("big:v1"), options);
        assertEquals(Map.of(layer, layer), seen);
    }

    @Test
    void layerListenerStreamFailsWhenTheDigestDoesNotMatch() throws Exception {
        Digest layer = big.layers.get(0).blob().digest();
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(layer.toString()), new FaultProxy.Corrupt(), 1);
        List<Throwable> consumerErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        PullOptions options = PullOptions.builder().layerListener((pulled, in) -> {
            try {
                sha256(in);
            } catch (java.io.IOException e) {
                consumerErrors.add(e);
                throw e;
            }
        }).build();
        PullException e = assertThrows(PullException.class, () -> puller().pull(ref("big:v1"), options));
        assertEquals(PullException.DIGEST_MISMATCH, e.code());
        // the consumer runs on its own thread: it sees the failure when the pull fails, not necessarily before
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (consumerErrors.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(1, consumerErrors.size());
        assertTrue(consumerErrors.get(0).getMessage().contains("DIGEST_MISMATCH"), consumerErrors.get(0).getMessage());
    }

    @Test
    void pruneKeepsRecordedImagesAndInUseDigests() throws Exception {
        PullResult kept = puller().pull(ref("team/app:v1"), PullOptions.defaults());
        PullResult dropped = puller().pull(ref("legacy:v1"), PullOptions.defaults());
        PullResult inUse = puller().pull(ref("multi:v1"), PullOptions.defaults());
        assertTrue(images.remove(dropped.reference().toString()));
        assertTrue(images.remove(inUse.reference().toString()));

        ImageStore.PruneResult pruned = images.prune(Set.of(inUse.resolvedDigest()));
        assertEquals(Set.of(docker.manifest.digest(), docker.config.digest(), docker.layers.get(0).blob().digest()), pruned.deleted());
        assertTrue(pruned.bytesFreed() > 0);
        assertTrue(store.has(kept.layers().get(1).digest()));
        assertTrue(store.has(inUse.layers().get(0).digest()));
        assertTrue(store.has(amd64.manifest.digest()), "the index's pulled child stays with the index");
    }

    static Digest sha256(InputStream in) throws java.io.IOException {
        MessageDigest digest = Digest.newSha256();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        return Digest.fromHash(digest.digest());
    }
}
