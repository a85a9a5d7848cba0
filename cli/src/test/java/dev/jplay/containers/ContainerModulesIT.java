package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.devimage.BusyboxImage;
import dev.jplay.runtime.image.Digest;
import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.modules.container.ContainerModule;
import dev.jplay.modules.container.ImageModule;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code image} and {@code container} modules in-process, as the agent runs them, as root: a real
 * docker-registry on loopback, real overlay mounts, real runc.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ContainerModulesIT {
    static RegistryServer registry;
    static TestImages.Pushed web;
    static final String TOKEN = "served-by-jplay-" + System.nanoTime();

    @TempDir
    Path tmp;
    Path stateDir;
    final ConcurrentHashMap<String, Object> agentState = new ConcurrentHashMap<>();
    final List<String> containers = new ArrayList<>();
    final ImageModule image = new ImageModule();
    final ContainerModule container = new ContainerModule();

    @BeforeAll
    static void registry(@TempDir Path dir) throws Exception {
        registry = RegistryServer.start(dir.resolve("registry"));
        web = TestImages.pushBusybox(registry, "it/web:1", TOKEN + "\n");
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) registry.close();
    }

    @AfterEach
    void removeContainers() {
        for (String name : containers) {
            try {
                run(container, "name", name, "image", web.reference(), "state", "absent");
            } catch (ModuleException e) {
                System.err.println("cleanup of " + name + " failed: " + e.getMessage());
            }
        }
    }

    private ModuleResult run(TaskModule module, Object... keyValues) throws ModuleException {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) args.put((String) keyValues[i], keyValues[i + 1]);
        if (stateDir == null) stateDir = tmp.resolve("state");
        ModuleContext ctx = new ModuleContext(false, true, null, Map.of(), stateDir, agentState);
        return module.run(new ModuleArgs(module.name(), args), ctx);
    }

    private String containerName(String what) {
        String name = "jplay-it-" + what + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        containers.add(name);
        return name;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(ModuleResult r, String key) {
        return (Map<String, Object>) r.data().get(key);
    }

    @Test
    @SuppressWarnings("unchecked")
    void pullUnpackStartServeThenIdempotentRecreateStopAbsent() throws Exception {
        long t0 = System.nanoTime();
        ModuleResult pulled = run(image, "name", web.reference(), "insecure", true);
        long pullMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(pulled.isChanged());
        Map<String, Object> img = map(pulled, "image");
        assertEquals(web.digest(), img.get("digest"));
        assertEquals(web.image().config().digest().toString(), img.get("config_digest"));
        List<Map<String, Object>> layers = (List<Map<String, Object>>) img.get("layers");
        assertEquals(2, layers.size());
        for (int i = 0; i < 2; i++) {
            BusyboxImage.Layer expected = web.image().layers().get(i);
            assertEquals(expected.blob().digest().toString(), layers.get(i).get("digest"));
            assertEquals(expected.diffId().toString(), layers.get(i).get("diff_id"));
            assertEquals((long) expected.blob().bytes().length, ((Number) layers.get(i).get("size")).longValue());
        }
        assertEquals(2, img.get("layers_unpacked"));
        assertEquals(List.of("httpd", "-f", "-p", "8080", "-h", "/www"), ((Map<String, Object>) img.get("config")).get("cmd"));
        Path layerFs = stateDir.resolve("images/layers/sha256/" + web.image().layers().get(1).diffId().hex() + "/fs");
        assertEquals(TOKEN + "\n", Files.readString(layerFs.resolve("www/index.html")));
        assertTrue(Files.exists(layerFs.resolve(BusyboxImage.UNICODE_FILE)), "non-ASCII file name unpacked");

        ModuleResult again = run(image, "name", web.reference(), "insecure", true);
        assertFalse(again.isChanged(), "present image: nothing downloaded or unpacked");
        assertEquals(0L, ((Number) map(again, "image").get("bytes_downloaded")).longValue());

        String name = containerName("web");
        int port = RegistryServer.freePort("127.0.0.1");
        Object[] spec = {"name", name, "image", web.reference(), "insecure", true, "network_mode", "host",
                "command", List.of("httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/www"), "stop_timeout", 2};
        long t1 = System.nanoTime();
        ModuleResult started = run(container, spec);
        long startMillis = (System.nanoTime() - t1) / 1_000_000;
        assertTrue(started.isChanged());
        Map<String, Object> c = map(started, "container");
        assertEquals("running", c.get("status"));
        assertEquals(web.digest(), c.get("image_digest"));
        assertEquals("runc", c.get("runtime"));
        assertTrue(((Number) c.get("pid")).intValue() > 1);
        Path rootfs = Path.of((String) c.get("rootfs"));
        assertTrue(mounted(rootfs), "overlay rootfs mounted while the container exists");
        assertTrue(Files.exists(Path.of((String) c.get("bundle")).resolve("config.json")));
        assertTrue(started.data().get("warnings") instanceof List, "runtime advisories are listed (maybe empty)");
        assertEquals(TOKEN + "\n", get(port));
        System.out.printf("[figures] image pull+unpack %d ms (%d bytes), container start %d ms (module timings %s)%n",
                pullMillis, ((Number) img.get("bytes_downloaded")).longValue(), startMillis, started.data().get("timings_ms"));

        ModuleResult same = run(container, spec);
        assertFalse(same.isChanged(), "same image and spec: ok");
        assertEquals(c.get("pid"), map(same, "container").get("pid"));

        Object[] changedSpec = Stream.concat(Stream.of(spec), Stream.of("env", Map.of("GREETING", "hi"), "logs", true)).toArray();
        ModuleResult recreated = run(container, changedSpec);
        assertTrue(recreated.isChanged());
        assertTrue(((List<String>) recreated.data().get("changes")).stream().anyMatch(l -> l.startsWith("env:")),
                () -> "changes: " + recreated.data().get("changes"));
        assertEquals("{}", ((Map<String, Object>) recreated.diff().get("before")).get("env"));
        assertEquals("{\"GREETING\":\"hi\"}", ((Map<String, Object>) recreated.diff().get("after")).get("env"));
        assertNotEquals(c.get("pid"), map(recreated, "container").get("pid"));
        assertTrue(map(recreated, "logs").containsKey("stderr"));
        assertEquals(TOKEN + "\n", get(port));

        ModuleResult stopped = run(container, Stream.concat(Stream.of(changedSpec), Stream.of("state", "stopped")).toArray());
        assertTrue(stopped.isChanged());
        assertEquals("stopped", map(stopped, "container").get("status"));
        assertThrows(IOException.class, () -> get(port), "nothing listens after stop");

        ModuleResult absent = run(container, "name", name, "state", "absent");
        assertTrue(absent.isChanged());
        assertEquals("absent", map(absent, "container").get("status"));
        assertFalse(mounted(rootfs), "rootfs unmounted");
        assertFalse(Files.exists(rootfs.getParent()), "snapshot dir removed");
        assertFalse(Files.exists(stateDir.resolve("containers").resolve(name)), "bundle removed");
        assertEquals(List.of(), runcContainers(), "no runc state left");
        assertFalse(run(container, "name", name, "state", "absent").isChanged());
    }

    @Test
    void pruneKeepsWhatAContainerUsesAndDeletesTheRest() throws Exception {
        String name = containerName("prune");
        int port = RegistryServer.freePort("127.0.0.1");
        run(container, "name", name, "image", web.reference(), "insecure", true, "network_mode", "host",
                "command", List.of("httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/www"), "stop_timeout", 1);
        ModuleResult forgotten = run(image, "name", web.reference(), "state", "absent", "prune", true);
        assertTrue(forgotten.isChanged(), "the reference was removed");
        assertEquals(0, map(forgotten, "pruned").get("blobs_deleted"), "the container still uses every blob");
        assertEquals(0, map(forgotten, "pruned").get("layers_deleted"));
        assertEquals(TOKEN + "\n", get(port));

        run(container, "name", name, "state", "absent");
        ModuleResult pruned = run(image, "prune", true);
        assertTrue(pruned.isChanged());
        assertEquals(4, map(pruned, "pruned").get("blobs_deleted"), "manifest, config and two layers");
        assertEquals(2, map(pruned, "pruned").get("layers_deleted"));
        try (Stream<Path> blobs = Files.list(stateDir.resolve("images/blobs/sha256"))) {
            assertEquals(0, blobs.count());
        }
        assertFalse(run(image, "prune", true).isChanged());
    }

    /** A layer written as a stream (a bomb of zeros never sits in memory uncompressed): gzip blob and diff_id. */
    private static Object[] gzipLayer(TarEntries entries) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(blob);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new DigestOutputStream(gzip, sha256))) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            entries.write(tar);
        }
        return new Object[] {blob.toByteArray(), Digest.parse("sha256:" + HexFormat.of().formatHex(sha256.digest()))};
    }

    @FunctionalInterface
    private interface TarEntries {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private static TestImages.Pushed pushWithLayer(String repositoryAndTag, Object[] layer) throws Exception {
        BusyboxImage image = web.image().withLayer((byte[]) layer[0], (Digest) layer[1]);
        return TestImages.push(registry, repositoryAndTag, image);
    }

    /** A FIFO in a layer hung the agent for good: the unpacker opened it (to set its mode) and waited for a writer. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a thread stuck in open(2) ignores interrupts
    void imageWithAFifoInALayerPullsAndRuns() throws Exception {
        Object[] layer = gzipLayer(tar -> {
            TarArchiveEntry pipe = new TarArchiveEntry("srv/pipe", TarConstants.LF_FIFO);
            pipe.setMode(0620);
            pipe.setIds(33, 33);
            tar.putArchiveEntry(pipe);
            tar.closeArchiveEntry();
            TarArchiveEntry console = new TarArchiveEntry("srv/console", TarConstants.LF_CHR);
            console.setDevMajor(5);
            console.setDevMinor(1);
            tar.putArchiveEntry(console);
            tar.closeArchiveEntry();
        });
        TestImages.Pushed fifo = pushWithLayer("it/fifo:1", layer);
        String name = containerName("fifo");
        int port = RegistryServer.freePort("127.0.0.1");
        ModuleResult started = run(container, "name", name, "image", fifo.reference(), "insecure", true, "network_mode", "host",
                "command", List.of("httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/www"), "stop_timeout", 1);
        assertEquals("running", map(started, "container").get("status"));
        assertEquals(TOKEN + "\n", get(port));
        Path pipe = Path.of((String) map(started, "container").get("rootfs")).resolve("srv/pipe");
        assertEquals(0010620, Files.getAttribute(pipe, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        assertEquals(33, Files.getAttribute(pipe, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(pipe.resolveSibling("console"), LinkOption.NOFOLLOW_LINKS), "devices are not created");
    }

    /**
     * A small layer that expands to far more (a real gzip of zeros, over 1000 times): past the floor the task
     * sets, the ratio cap stops it at step unpack, naming the layer and how far it got, and nothing of it stays.
     * The same task without a cap unpacks it.
     */
    @Test
    void aLayerExpandingPastTheRatioCapFailsAtUnpackAndLeavesNothing() throws Exception {
        Object[] bomb = gzipLayer(tar -> {
            TarArchiveEntry zeros = new TarArchiveEntry("data/zeros");
            zeros.setSize(128L << 20);
            tar.putArchiveEntry(zeros);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 128; i++) tar.write(chunk);
            tar.closeArchiveEntry();
        });
        byte[] blob = (byte[]) bomb[0];
        assertTrue(blob.length < 200_000, "a small layer: " + blob.length + " bytes");
        TestImages.Pushed pushed = pushWithLayer("it/bomb:1", bomb);
        ModuleException e = assertThrows(ModuleException.class, () -> run(image, "name", pushed.reference(), "insecure", true,
                "unpack_max_ratio", 100, "unpack_ratio_floor", "8m"));
        assertEquals("unpack", e.step().id());
        assertEquals("UNPACK_EXPANSION_LIMIT", e.code());
        assertEquals(Digest.of(blob).toString(), e.detailMap().get("digest"));
        assertEquals(bomb[1].toString(), e.detailMap().get("diff_id"));
        long written = ((Number) e.detailMap().get("bytes_written")).longValue();
        assertTrue(written > 8 << 20 && written < 32 << 20, "stopped after " + written + " bytes");
        assertTrue(e.getMessage().contains("unpack_max_ratio"), e::getMessage);
        Path layers = stateDir.resolve("images");
        assertFalse(Files.exists(layers.resolve("layers/sha256/" + ((Digest) bomb[1]).hex())), "no layer kept");
        try (Stream<Path> files = Files.walk(layers.resolve("tmp"))) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "nothing of the layer left in tmp");
        }

        ModuleResult unbounded = run(image, "name", pushed.reference(), "insecure", true, "unpack_max_ratio", 0);
        assertEquals(1, map(unbounded, "image").get("layers_unpacked"), "the two busybox layers were already there");
        assertEquals(128L << 20, Files.size(layers.resolve("layers/sha256/" + ((Digest) bomb[1]).hex() + "/fs/data/zeros")));
    }

    @Test
    void imageNotFoundIsLocatedAtTheManifest() {
        ModuleException e = assertThrows(ModuleException.class,
                () -> run(image, "name", registry.hostPort() + "/it/missing:1", "insecure", true));
        assertEquals("manifest", e.step().id());
        assertEquals("NOT_FOUND", e.code());
        assertEquals(404, e.detailMap().get("http_status"));
        assertTrue(String.valueOf(e.detailMap().get("url")).contains("/v2/it/missing/manifests/1"), () -> e.detailMap().toString());
    }

    @Test
    void registryDownIsAConnectionFailureAtResolve() throws Exception {
        String down = "127.0.0.1:" + RegistryServer.freePort("127.0.0.1");
        ModuleException e = assertThrows(ModuleException.class,
                () -> run(container, "name", containerName("down"), "image", down + "/it/web:1", "insecure", true));
        assertEquals("resolve", e.step().id());
        assertEquals("CONNECTION", e.code());
        assertTrue(String.valueOf(e.detailMap().get("url")).startsWith("http://" + down + "/v2/"), () -> e.detailMap().toString());
    }

    @Test
    void commandMissingFromTheImageFailsAtStart() throws Exception {
        String name = containerName("nocmd");
        ModuleException e = assertThrows(ModuleException.class, () -> run(container, "name", name, "image", web.reference(),
                "insecure", true, "command", List.of("/bin/no-such-program"), "stop_timeout", 1));
        assertEquals("start", e.step().id());
        assertEquals("RUNTIME_FAILED", e.code());
        assertTrue(e.getMessage().contains("no-such-program"), e::getMessage);
        assertTrue(e.detailMap().containsKey("bundle"), () -> e.detailMap().toString());
    }

    @Test
    void pullNeverWithoutTheImageFailsAtResolve() {
        ModuleException e = assertThrows(ModuleException.class, () -> run(container, "name", containerName("never"),
                "image", web.reference(), "pull", "never"));
        assertEquals("resolve", e.step().id());
        assertEquals("IMAGE_NOT_PRESENT", e.code());
    }

    private static String get(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build();
        IOException last = null;
        for (int i = 0; i < 50; i++) { // httpd binds its port a moment after runc reports it running
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        throw last;
    }

    private static boolean mounted(Path path) throws IOException {
        String target = " " + path.toAbsolutePath().normalize() + " ";
        return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream().anyMatch(l -> l.contains(target));
    }

    private List<String> runcContainers() throws IOException {
        Path root = stateDir.resolve("runc");
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }
}
