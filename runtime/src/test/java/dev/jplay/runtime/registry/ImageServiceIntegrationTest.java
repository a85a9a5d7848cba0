package dev.jplay.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.fetch.FetchResult;
import dev.jplay.runtime.fetch.ImageService;
import dev.jplay.runtime.fetch.LayerUnpackException;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.snapshot.LayerDigestMismatchException;
import dev.jplay.runtime.snapshot.LayerStore;
import dev.jplay.runtime.store.ContentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageService} against a real docker-registry: layers unpacked while they stream, verified, not redone.
 * (In this package for the registry test fixtures.)
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@Timeout(120)
class ImageServiceIntegrationTest {
    @TempDir Path dir;

    @Test
    void pullsAndUnpacksEveryLayerThenReusesThem() throws Exception {
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        TestImage image = TestImage.oci("amd64", List.of(
                TestImage.layer(Map.of("etc/motd", bytes("base\n"), "etc/gone", bytes("deleted above\n"))),
                TestImage.layer(Map.of("etc/.wh.gone", new byte[0], "srv/app/config", bytes("port=8080\n"))),
                TestImage.layer(Map.of("usr/bin/tool", big))));
        try (RegistryServer registry = RegistryServer.builder(dir.resolve("registry")).start()) {
            new RegistryPusher(registry.base()).push("bench/app", "v1", image);
            ContentStore content = new ContentStore(dir.resolve("content"));
            LayerStore layers = new LayerStore(dir.resolve("layers"));
            Fetcher fetcher = fetcher(registry, content, layers);
            ImageReference ref = ImageReference.parse(registry.hostPort() + "/bench/app:v1");

            FetchResult first = fetcher.fetch(ref, PullOptions.defaults());

            assertEquals(3, first.unpackedCount());
            assertEquals(image.layers.stream().map(TestImage.Layer::diffId).toList(), first.diffIds());
            assertEquals("base\n", Files.readString(first.layers().get(0).fs().resolve("etc/motd")));
            assertEquals("port=8080\n", Files.readString(first.layers().get(1).fs().resolve("srv/app/config")));
            assertEquals("character", fileType(first.layers().get(1).fs().resolve("etc/gone")));
            assertArrayEquals(big, Files.readAllBytes(first.layers().get(2).fs().resolve("usr/bin/tool")));
            for (TestImage.Layer layer : image.layers) {
                assertArrayEquals(layer.blob().bytes(), content.read(layer.blob().digest()));
            }

            FetchResult again = fetcher.fetch(ref, PullOptions.defaults());
            assertEquals(0, again.unpackedCount());
            assertFalse(again.pull().changed());
            assertEquals(first.layers().get(2).fs(), again.layers().get(2).fs());
        }
    }

    @Test
    void unpacksFromTheContentStoreWhenOnlyTheBlobsArePresent() throws Exception {
        TestImage image = TestImage.oci("amd64", List.of(TestImage.textLayer("etc/hostname", "cached\n")));
        try (RegistryServer registry = RegistryServer.builder(dir.resolve("registry")).start()) {
            new RegistryPusher(registry.base()).push("bench/cached", "v1", image);
            ContentStore content = new ContentStore(dir.resolve("content"));
            ImageReference ref = ImageReference.parse(registry.hostPort() + "/bench/cached:v1");
            fetcher(registry, content, new LayerStore(dir.resolve("layers-a"))).fetch(ref, PullOptions.defaults());

            FetchResult result = fetcher(registry, content, new LayerStore(dir.resolve("layers-b"))).fetch(ref, PullOptions.defaults());

            assertEquals(1, result.unpackedCount());
            assertFalse(result.pull().changed(), "nothing downloaded again");
            assertEquals("cached\n", Files.readString(result.layers().get(0).fs().resolve("etc/hostname")));
        }
    }

    @Test
    void aLayerNotMatchingItsDiffIdIsRejectedAndNotKept() throws Exception {
        TestImage.Layer real = TestImage.textLayer("etc/issue", "tampered?\n");
        Digest claimed = Digest.of(bytes("some other tar"));
        TestImage image = TestImage.oci("amd64", List.of(new TestImage.Layer(real.blob(), claimed)));
        try (RegistryServer registry = RegistryServer.builder(dir.resolve("registry")).start()) {
            new RegistryPusher(registry.base()).push("bench/bad", "v1", image);
            LayerStore layers = new LayerStore(dir.resolve("layers"));
            Fetcher fetcher = fetcher(registry, new ContentStore(dir.resolve("content")), layers);

            LayerUnpackException failure = assertThrows(LayerUnpackException.class,
                    () -> fetcher.fetch(ImageReference.parse(registry.hostPort() + "/bench/bad:v1"), PullOptions.defaults()));

            // an unpack failure, not a pull failure: it names the layer, and its cause says what was wrong with it
            assertEquals(claimed, failure.layer().diffId());
            assertEquals(real.blob().digest(), failure.layer().digest());
            assertTrue(failure.getCause() instanceof LayerDigestMismatchException, String.valueOf(failure.getCause()));
            assertTrue(failure.getMessage().contains(claimed.toString()), failure.getMessage());
            assertFalse(layers.has(claimed));
            try (Stream<Path> staging = Files.list(layers.root().resolve("tmp"))) {
                assertEquals(List.of(), staging.toList(), "no staging directory left behind");
            }
        }
    }

    @Test
    void refusesOptionsThatAlreadyCarryAListener() throws Exception {
        Fetcher fetcher = new Fetcher(new ImageService(new ContentStore(dir.resolve("content")), null,
                new LayerStore(dir.resolve("layers"))), RegistryClient.builder().build());
        PullOptions withListener = PullOptions.builder().layerListener((layer, in) -> { }).build();
        assertThrows(IllegalArgumentException.class, () -> fetcher.fetch(ImageReference.parse("127.0.0.1:1/x:y"), withListener));
    }

    /** The service and one registry client, as a pull's caller holds them. */
    private record Fetcher(ImageService service, RegistryClient registry) {
        FetchResult fetch(ImageReference ref, PullOptions options) throws Exception {
            return service.fetch(registry, ref, options);
        }
    }

    private static Fetcher fetcher(RegistryServer registry, ContentStore content, LayerStore layers) throws Exception {
        RegistryClient client = RegistryClient.builder().insecure(registry.hostPort()).build();
        return new Fetcher(new ImageService(content, null, layers), client);
    }

    private static String fileType(Path path) throws Exception {
        return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? "regular"
                : ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0020000 ? "character" : "other";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
