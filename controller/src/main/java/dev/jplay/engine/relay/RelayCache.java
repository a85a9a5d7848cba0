package dev.jplay.engine.relay;

import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.Platform;
import dev.jplay.runtime.registry.ImagePuller;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.PullResult;
import dev.jplay.runtime.registry.PulledLayer;
import dev.jplay.runtime.registry.RegistryClient;
import dev.jplay.runtime.store.ContentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's copy of the images it relays: the runtime's {@link ContentStore} (blobs by digest, each verified
 * and published by an atomic rename, so a present blob is a good blob) filled by the runtime's {@link ImagePuller}.
 * An image is pulled once per run and platform however many hosts it is relayed to; blobs kept from earlier runs
 * are not downloaded again. The store stays under {@link #maxBytes}: after each pull the least recently used blobs
 * that no image of this run needs are deleted.
 */
public final class RelayCache {
    /** Default bound of the cache's disk use; env {@code JPLAY_RELAY_CACHE_MAX_MB} overrides it. */
    public static final long DEFAULT_MAX_BYTES = 10L << 30;

    private final ContentStore store;
    private final long maxBytes;
    private final Map<String, Image> resolved = new ConcurrentHashMap<>();

    /** One relayed image: the blobs a host needs, in the order it should get them (manifests first, then layers). */
    public record Image(ImageReference reference, Digest resolvedDigest, List<Descriptor> blobs) {
        public long bytes() {
            return blobs.stream().mapToLong(Descriptor::size).sum();
        }
    }

    public RelayCache(Path root, long maxBytes) throws IOException {
        this.store = new ContentStore(root);
        this.maxBytes = maxBytes;
    }

    /** System property {@code jplay.relay.cache} (tests), else {@code $JPLAY_RELAY_CACHE}, else {@code $XDG_CACHE_HOME/jplay/relay}, else {@code ~/.cache/jplay/relay}. */
    public static RelayCache openDefault() throws IOException {
        String dir = System.getProperty("jplay.relay.cache", System.getenv("JPLAY_RELAY_CACHE"));
        Path root;
        if (dir != null && !dir.isBlank()) {
            root = Path.of(dir);
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            root = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                    .resolve("jplay").resolve("relay");
        }
        String max = System.getenv("JPLAY_RELAY_CACHE_MAX_MB");
        return new RelayCache(root, max == null || max.isBlank() ? DEFAULT_MAX_BYTES : Long.parseLong(max.strip()) << 20);
    }

    public ContentStore store() {
        return store;
    }

    /**
     * The image {@code ref} names for {@code platform}, pulled into the cache on its first use in this run (the
     * registry is asked once per run, as {@code pull: always} would on each host). Blobs already cached are not
     * downloaded again.
     */
    public Image resolve(ImageReference ref, Platform platform, RegistryClient client, PullOptions options) throws PullException {
        String key = ref + "|" + platform;
        Image known = resolved.get(key);
        if (known != null) return known;
        synchronized (resolved) { // one pull at a time: the cache's bound is checked between them
            known = resolved.get(key);
            if (known != null) return known;
            PullResult pulled = new ImagePuller(client, store, null).pull(ref, options);
            Image image = new Image(ref, pulled.resolvedDigest(), blobs(pulled));
            resolved.put(key, image);
            touch(image);
            trim();
            return image;
        }
    }

    private List<Descriptor> blobs(PullResult pulled) throws PullException {
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        try {
            add(blobs, pulled.resolvedDigest(), "top");
            add(blobs, pulled.manifestDigest(), pulled.manifestMediaType());
            add(blobs, pulled.configDigest(), "config");
        } catch (IOException e) {
            throw PullException.builder(dev.jplay.protocol.Step.FETCH, PullException.STORE_IO, "relay cache " + store.root()
                    + ": " + e.getMessage()).build(e);
        }
        for (PulledLayer layer : pulled.layers()) blobs.putIfAbsent(layer.digest(), Descriptor.of(layer.mediaType(), layer.digest(), layer.size()));
        return List.copyOf(blobs.values());
    }

    private void add(Map<Digest, Descriptor> blobs, Digest digest, String mediaType) throws IOException {
        if (!blobs.containsKey(digest)) blobs.put(digest, Descriptor.of(mediaType, digest, store.size(digest)));
    }

    private void touch(Image image) {
        FileTime now = FileTime.fromMillis(System.currentTimeMillis());
        for (Descriptor blob : image.blobs()) {
            try {
                Files.setLastModifiedTime(store.path(blob.digest()), now);
            } catch (IOException ignored) {
                // only the eviction order suffers
            }
        }
    }

    /** Deletes the least recently used blobs no image of this run needs until the cache is within its bound. */
    void trim() {
        Set<Digest> keep = new HashSet<>();
        resolved.values().forEach(i -> i.blobs().forEach(b -> keep.add(b.digest())));
        try {
            List<Path> candidates = new ArrayList<>();
            long total = 0;
            for (Digest digest : store.list()) {
                Path path = store.path(digest);
                long size = Files.size(path);
                total += size;
                if (!keep.contains(digest)) candidates.add(path);
            }
            store.sweepIngests();
            if (total <= maxBytes) return;
            candidates.sort(Comparator.comparing(RelayCache::modified));
            for (Path path : candidates) {
                if (total <= maxBytes) break;
                long size = Files.size(path);
                if (Files.deleteIfExists(path)) total -= size;
            }
        } catch (IOException ignored) {
            // a cache over its bound is retried after the next pull; the relay itself does not depend on it
        }
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
