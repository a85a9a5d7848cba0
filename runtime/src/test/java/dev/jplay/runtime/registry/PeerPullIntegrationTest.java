package dev.jplay.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.peer.PeerServer;
import dev.jplay.runtime.store.ContentStore;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls that take blobs from a peer's {@link PeerServer} before a real docker-registry (behind a proxy that counts
 * its blob requests): a good peer saves the registry the blob, even while it is itself still receiving it; a bad
 * one (corrupt bytes, wrong token) is dropped and the blob comes from the registry, verified, with a layer listener
 * that sees one clean stream.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@Timeout(120)
class PeerPullIntegrationTest {
    static final byte[] TOKEN = "peer-test-token-0123456789".getBytes(StandardCharsets.US_ASCII);
    @TempDir static Path registryDir;
    static RegistryServer registry;
    static TestImage app;

    @TempDir Path work;
    FaultProxy proxy;
    ContentStore seed;
    PeerServer seedServer;
    ContentStore pulling;

    @BeforeAll
    static void push() throws Exception {
        registry = RegistryServer.builder(registryDir).start();
        app = TestImage.oci("amd64", List.of(TestImage.textLayer("etc/app.conf", "port=8080\n"),
                TestImage.randomLayer("bin/app", 2_000_000, 11)));
        new RegistryPusher(registry.base()).push("team/peer", "v1", app);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) registry.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        proxy = new FaultProxy(registry.base());
        seed = new ContentStore(work.resolve("seed"));
        seedServer = PeerServer.start(seed, new InetSocketAddress("127.0.0.1", 0), TOKEN);
        pulling = new ContentStore(work.resolve("pulling"));
    }

    @AfterEach
    void tearDown() throws Exception {
        seedServer.close();
        proxy.close();
    }

    private ImageReference ref() {
        return ImageReference.parse(proxy.hostPort() + "/team/peer:v1");
    }

    private ImagePuller puller(ContentStore store) throws Exception {
        return new ImagePuller(RegistryClient.builder().insecure(proxy.hostPort()).build(), store, null);
    }

    private PeerSources peers(byte[] token) {
        return new PeerSources(List.of(new PeerSource("127.0.0.1", seedServer.address().getPort())), token, Duration.ofSeconds(10));
    }

    private long blobGets(Digest digest) {
        return proxy.requests().stream().filter(r -> r.isBlobGet() && r.path().endsWith(digest.toString())).count();
    }

    /** Layer index → digest of the last complete stream the listener read (a restarted listener replaces its first try). */
    private static LayerListener hashing(Map<Integer, Digest> seen) {
        return (layer, in) -> {
            MessageDigest sha = Digest.newSha256();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
            seen.put(layer.index(), Digest.fromHash(sha.digest()));
        };
    }

    @Test
    void aPeerThatHasTheImageSparesTheRegistryEveryBlob() throws Exception {
        puller(seed).pull(ref(), PullOptions.defaults());
        proxy.clearRequests();
        Map<Integer, Digest> seen = new ConcurrentHashMap<>();
        PeerSources peers = peers(TOKEN);

        PullResult result = puller(pulling).pull(ref(), PullOptions.builder().peers(peers).layerListener(hashing(seen)).build());

        for (int i = 0; i < app.layers.size(); i++) {
            Digest digest = app.layers.get(i).blob().digest();
            assertEquals(0, blobGets(digest), "layer " + i + " not asked of the registry");
            assertTrue(pulling.has(digest));
            assertEquals(digest, seen.get(i), "the listener read the verified layer");
        }
        assertEquals(0, blobGets(app.config.digest()));
        assertEquals(List.of(), peers.drops());
        assertEquals(app.layers.size() + 1, peers.blobsFromPeers());
        assertEquals(app.manifest.digest(), result.manifestDigest(), "the manifest still comes from the registry");
    }

    @Test
    void aPeerStillReceivingTheBlobPassesItOnAsItArrives() throws Exception {
        Digest big = app.layers.get(1).blob().digest();
        // The seed's registry download trickles, so the second pull asks for the layer while it is arriving.
        proxy.inject(r -> r.isBlobGet() && r.path().endsWith(big.toString()), new FaultProxy.Trickle(50), 1);
        CompletableFuture<PullResult> seeding = CompletableFuture.supplyAsync(() -> {
            try {
                return puller(seed).pull(ref(), PullOptions.defaults());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seed.partialOffset(big) == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(seed.partialOffset(big) > 0 && !seed.has(big), "the seed is still receiving the layer");
        PeerSources peers = peers(TOKEN);

        puller(pulling).pull(ref(), PullOptions.builder().peers(peers).build());

        seeding.get(60, TimeUnit.SECONDS);
        assertEquals(1, blobGets(big), "the registry served the big layer once, to the seed");
        assertTrue(pulling.has(big));
        assertEquals(List.of(), peers.drops());
    }

    @Test
    void aPeerThatSendsBadBytesIsDroppedAndTheBlobComesFromTheRegistry() throws Exception {
        puller(seed).pull(ref(), PullOptions.defaults());
        Digest big = app.layers.get(1).blob().digest();
        byte[] corrupt = Files.readAllBytes(seed.path(big));
        corrupt[corrupt.length / 2] ^= 0x5a; // the seed's disk went bad: same size, other bytes
        Files.write(seed.path(big), corrupt);
        proxy.clearRequests();
        Map<Integer, Digest> seen = new ConcurrentHashMap<>();
        PeerSources peers = peers(TOKEN);

        puller(pulling).pull(ref(), PullOptions.builder().peers(peers).layerListener(hashing(seen)).build());

        assertEquals(1, peers.drops().size(), () -> String.valueOf(peers.drops()));
        PeerSources.Drop drop = peers.drops().get(0);
        assertEquals(PullException.DIGEST_MISMATCH, drop.code());
        assertEquals(big, drop.digest());
        assertEquals(seedServer.address().getPort(), drop.peer().port());
        assertEquals(1, blobGets(big), "fetched from the registry after the peer was dropped");
        try (InputStream in = Files.newInputStream(pulling.path(big))) {
            assertEquals(big, Digest.fromHash(Digest.newSha256().digest(in.readAllBytes())));
        }
        assertEquals(big, seen.get(1), "the listener's restarted stream is the verified blob");
        assertEquals(app.layers.get(0).blob().digest(), seen.get(0));
    }

    @Test
    void aPeerThatRefusesTheTokenIsDropped() throws Exception {
        puller(seed).pull(ref(), PullOptions.defaults());
        proxy.clearRequests();
        PeerSources peers = peers("not-the-runs-token-0123456".getBytes(StandardCharsets.US_ASCII));

        puller(pulling).pull(ref(), PullOptions.builder().peers(peers).build());

        assertEquals(PeerSources.REFUSED, peers.drops().get(0).code());
        assertEquals(1, peers.drops().size(), "dropped once, not asked again for the other blobs");
        for (TestImage.Layer layer : app.layers) assertEquals(1, blobGets(layer.blob().digest()));
        assertEquals(0, peers.bytesFromPeers());
    }
}
