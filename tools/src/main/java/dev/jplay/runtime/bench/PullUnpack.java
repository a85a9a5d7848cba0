package dev.jplay.runtime.bench;

import dev.jplay.runtime.fetch.FetchResult;
import dev.jplay.runtime.fetch.ImageService;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.RegistryClient;
import dev.jplay.runtime.snapshot.LayerStore;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.unpack.LayerUnpacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One cold pull+unpack exactly as the agent does it ({@link ImageService}), timed; for {@code bench/images.sh}.
 *
 * <pre>java -cp tools/target/jplay-tools-all.jar dev.jplay.runtime.bench.PullUnpack REF ROOT [--insecure] [--parallelism N]
 *     [--writers N] [--warm]</pre>
 *
 * Stores go to {@code ROOT/content} and {@code ROOT/layers}. Prints {@code elapsed_ms=...} and what was done.
 * {@code --warm} first fetches the image once into {@code ROOT/warmup}, deletes it and drops the page cache (as
 * root), then times a second cold fetch: the long-running agent, whose JIT has compiled the hot paths already.
 */
public final class PullUnpack {
    private PullUnpack() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PullUnpack REF ROOT [--insecure] [--parallelism N] [--writers N] [--warm]");
            System.exit(2);
        }
        long start = System.nanoTime();
        ImageReference ref = ImageReference.parse(args[0]);
        Path root = Files.createDirectories(Path.of(args[1]));
        RegistryClient.Builder client = RegistryClient.builder();
        PullOptions.Builder options = PullOptions.builder();
        int writers = LayerUnpacker.DEFAULT_WRITER_THREADS;
        boolean warm = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--insecure" -> client.insecure(ref.apiHost());
                case "--parallelism" -> options.parallelism(Integer.parseInt(args[++i]));
                case "--writers" -> writers = Integer.parseInt(args[++i]);
                case "--warm" -> warm = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        RegistryClient registry = client.build();
        if (warm) {
            Path warmup = root.resolve("warmup");
            fetch(registry, warmup, writers, ref, options.build());
            deleteTree(warmup);
            dropPageCache();
            start = System.nanoTime();
        }
        Path cold = root.resolve("cold");
        FetchResult result = fetch(registry, cold, writers, ref, options.build());
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        LayerStore layers = new LayerStore(cold.resolve("layers"));
        long entries = 0;
        for (FetchResult.Layer layer : result.layers()) {
            if (layer.unpacked()) entries += layers.result(layer.layer().diffId()).entries();
        }
        System.out.printf("elapsed_ms=%d layers=%d unpacked=%d entries=%d downloaded_bytes=%d manifest=%s%n", elapsedMs,
                result.layers().size(), result.unpackedCount(), entries, result.pull().bytesDownloaded(),
                result.pull().manifestDigest());
    }

    private static FetchResult fetch(RegistryClient registry, Path root, int writers, ImageReference ref, PullOptions options)
            throws Exception {
        ContentStore content = new ContentStore(root.resolve("content"));
        LayerStore layers = new LayerStore(root.resolve("layers"), new LayerUnpacker(false, writers));
        return new ImageService(content, null, layers).fetch(registry, ref, options);
    }

    private static void deleteTree(Path top) throws IOException {
        try (Stream<Path> paths = Files.walk(top)) { // does not follow symlinks
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) Files.delete(path);
        }
    }

    /** Best effort: {@code sync}, then drop clean pages (needs root), so the timed fetch starts cold as well. */
    private static void dropPageCache() throws Exception {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException notRoot) {
            System.err.println("page cache not dropped: " + notRoot);
        }
    }
}
