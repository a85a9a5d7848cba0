package dev.jplay.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.MediaTypes;
import dev.jplay.runtime.store.ContentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** An image pushed by skopeo (not by our own test code) pulls the same; and how fast a ~100 MB image pulls. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@Timeout(300)
class SkopeoInteropAndThroughputTest {
    @TempDir Path dir;

    @Test
    void pullsAnImagePushedBySkopeo() throws Exception {
        TestImage image = TestImage.oci("amd64", List.of(TestImage.textLayer("etc/motd", "pushed by skopeo\n"),
                TestImage.randomLayer("bin/tool", 64_000, 11)));
        Path layout = writeOciLayout(dir.resolve("layout"), image, "v1");
        try (RegistryServer registry = RegistryServer.builder(dir.resolve("registry")).start()) {
            Process skopeo = new ProcessBuilder("skopeo", "copy", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                    "docker://" + registry.hostPort() + "/skopeo/app:v1").redirectErrorStream(true).start();
            String output = new String(skopeo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(skopeo.waitFor(120, TimeUnit.SECONDS) && skopeo.exitValue() == 0, "skopeo: " + output);

            ContentStore store = new ContentStore(dir.resolve("content"));
            RegistryClient client = RegistryClient.builder().insecure(registry.hostPort()).build();
            PullResult result = new ImagePuller(client, store, null)
                    .pull(ImageReference.parse(registry.hostPort() + "/skopeo/app:v1"), PullOptions.defaults());
            assertEquals(MediaTypes.OCI_MANIFEST, result.manifestMediaType());
            assertEquals(image.config.digest(), result.configDigest());
            assertEquals(List.of("/bin/app"), result.config().entrypoint());
            assertEquals(2, result.layers().size());
            assertArrayEquals(image.layers.get(1).blob().bytes(), store.read(result.layers().get(1).digest()));
            assertEquals(image.layers.get(1).diffId(), result.layers().get(1).diffId());
        }
    }

    @Test
    void measuresThroughputOfA100MegabyteImage() throws Exception {
        List<TestImage.Layer> layers = new ArrayList<>();
        for (int i = 0; i < 4; i++) layers.add(TestImage.randomLayer("blob" + i, 25 * 1024 * 1024, 1000 + i));
        TestImage image = TestImage.oci("amd64", layers);
        long total = layers.stream().mapToLong(l -> l.blob().bytes().length).sum();
        try (RegistryServer registry = RegistryServer.builder(dir.resolve("registry")).start()) {
            new RegistryPusher(registry.base()).push("big/random", "v1", image);
            ContentStore store = new ContentStore(dir.resolve("content"));
            RegistryClient client = RegistryClient.builder().insecure(registry.hostPort()).build();
            long start = System.nanoTime();
            PullResult result = new ImagePuller(client, store, null)
                    .pull(ImageReference.parse(registry.hostPort() + "/big/random:v1"), PullOptions.defaults());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(result.changed());
            assertEquals(total + image.config.bytes().length + image.manifest.bytes().length, result.bytesDownloaded());
            for (TestImage.Layer layer : layers) assertEquals(layer.blob().bytes().length, store.size(layer.blob().digest()));
            System.out.printf("PULL THROUGHPUT: %.1f MB in %.2f s = %.1f MB/s (4 layers, parallelism 3, fsync on)%n",
                    total / 1e6, seconds, total / 1e6 / seconds);
        }
    }

    static Path writeOciLayout(Path layout, TestImage image, String tag) throws Exception {
        Path blobs = Files.createDirectories(layout.resolve("blobs").resolve("sha256"));
        List<TestImage.Blob> all = new ArrayList<>();
        image.layers.forEach(l -> all.add(l.blob()));
        all.add(image.config);
        all.add(image.manifest);
        for (TestImage.Blob blob : all) Files.write(blobs.resolve(blob.digest().hex()), blob.bytes());
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        var index = TestImage.JSON.createObjectNode().put("schemaVersion", 2);
        var entry = image.manifest.descriptor();
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        index.putArray("manifests").add(entry);
        Files.write(layout.resolve("index.json"), TestImage.JSON.writeValueAsBytes(index));
        return layout;
    }
}
