package dev.jplay.runtime.bench;

import dev.jplay.runtime.fetch.FetchResult;
import dev.jplay.runtime.fetch.ImageFetcher;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.registry.ImagePuller;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.RegistryClient;
import dev.jplay.runtime.snapshot.LayerStore;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.unpack.LayerUnpacker;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One cold pull+unpack exactly as the agent does it ({@link ImageFetcher}), timed; for {@code bench/images.sh}.
 *
 * <pre>java -cp agent/target/jplay-agent.jar dev.jplay.runtime.bench.PullUnpack REF ROOT [--insecure] [--parallelism N] [--writers N]</pre>
 *
 * Stores go to {@code ROOT/content} and {@code ROOT/layers}. Prints {@code elapsed_ms=...} and what was done.
 */
public final class PullUnpack {
    private PullUnpack() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PullUnpack REF ROOT [--insecure] [--parallelism N] [--writers N]");
            System.exit(2);
        }
        long start = System.nanoTime();
        ImageReference ref = ImageReference.parse(args[0]);
        Path root = Files.createDirectories(Path.of(args[1]));
        RegistryClient.Builder client = RegistryClient.builder();
        PullOptions.Builder options = PullOptions.builder();
        int writers = LayerUnpacker.DEFAULT_WRITER_THREADS;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--insecure" -> client.insecure(ref.apiHost());
                case "--parallelism" -> options.parallelism(Integer.parseInt(args[++i]));
                case "--writers" -> writers = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ContentStore content = new ContentStore(root.resolve("content"));
        LayerStore layers = new LayerStore(root.resolve("layers"), new LayerUnpacker(false, writers));
        ImageFetcher fetcher = new ImageFetcher(new ImagePuller(client.build(), content, null), layers);
        FetchResult result = fetcher.fetch(ref, options.build());
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        long entries = 0;
        for (FetchResult.Layer layer : result.layers()) {
            if (layer.unpacked()) entries += layers.result(layer.layer().diffId().toString()).entries();
        }
        System.out.printf("elapsed_ms=%d layers=%d unpacked=%d entries=%d downloaded_bytes=%d manifest=%s%n", elapsedMs,
                result.layers().size(), result.unpackedCount(), entries, result.pull().bytesDownloaded(),
                result.pull().manifestDigest());
    }
}
