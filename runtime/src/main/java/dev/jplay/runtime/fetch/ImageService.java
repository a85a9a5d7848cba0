package dev.jplay.runtime.fetch;

import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.registry.ImagePuller;
import dev.jplay.runtime.registry.LayerListener;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.PullResult;
import dev.jplay.runtime.registry.PulledLayer;
import dev.jplay.runtime.registry.RegistryClient;
import dev.jplay.runtime.snapshot.LayerStore;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.store.ImageStore;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's image service, containerd's way: fetch an image's blobs into the {@link ContentStore} by digest, unpack
 * each layer into the {@link LayerStore} by diff_id, from which {@link dev.jplay.runtime.snapshot.Snapshotter}
 * builds a container's rootfs. Every module that needs an image (the agent's {@code image} and {@code container})
 * goes through here, and so does the pull benchmark.
 *
 * <p>Each layer unpacks while it downloads (through the puller's {@link LayerListener}), layers in parallel, so
 * a fetch does not wait for the download before unpacking (bench/images.sh measures it). Both ends are verified: the puller checks each compressed blob against its digest,
 * the layer store checks each unpacked tar against the config's diff_id before renaming the layer into place.
 * Layers already unpacked are not unpacked again (their stream is dropped unread); blobs already stored are not
 * downloaded again.
 *
 * <p>Failures keep their kind: the registry's and the content store's are {@link PullException}s, a layer that
 * does not unpack is a {@link LayerUnpackException} naming the layer.
 */
public final class ImageService {
    private final ContentStore content;
    private final ImageStore images;
    private final LayerStore layers;

    /** @param images where pulls record reference → digest; may be null */
    public ImageService(ContentStore content, ImageStore images, LayerStore layers) {
        this.content = content;
        this.images = images;
        this.layers = layers;
    }

    /** Whether and how to unpack the layers of a fetched image. */
    public record Unpack(boolean layers, UnpackLimits limits, UnpackWatcher watcher) {
        public Unpack {
            if (limits == null) limits = UnpackLimits.defaults();
            if (watcher == null) watcher = UnpackWatcher.NONE;
        }

        /** Content only: the blobs in the content store, no layer unpacked. */
        public static Unpack none() {
            return new Unpack(false, null, null);
        }

        public static Unpack layers(UnpackLimits limits, UnpackWatcher watcher) {
            return new Unpack(true, limits, watcher);
        }
    }

    /**
     * Deletes what interrupted pulls left behind (half-unpacked layers, partial ingests that cannot be resumed) and
     * no live agent owns; returns the bytes reclaimed. A few directory listings when there is nothing to do.
     */
    public long reclaimAbandoned() throws IOException {
        return layers.sweepTemp() + content.sweepIngests();
    }

    /** Fetches {@code ref} and unpacks all its layers with the default bounds. */
    public FetchResult fetch(RegistryClient registry, ImageReference ref, PullOptions options)
            throws PullException, LayerUnpackException {
        return fetch(registry, ref, options, Unpack.layers(UnpackLimits.defaults(), UnpackWatcher.NONE));
    }

    /**
     * Fetches {@code ref} into the content store and, if {@code unpack} says so, unpacks its layers.
     *
     * @param options how to pull; must not carry a layer listener (the service installs its own)
     * @throws PullException if the registry or the content store failed
     * @throws LayerUnpackException if a layer did not unpack or did not match its diff_id; no partial layer is kept
     */
    public FetchResult fetch(RegistryClient registry, ImageReference ref, PullOptions options, Unpack unpack)
            throws PullException, LayerUnpackException {
        if (options.layerListener() != null) {
            throw new IllegalArgumentException("the image service installs its own layer listener; got one in the options for " + ref);
        }
        Set<Integer> unpacked = ConcurrentHashMap.newKeySet();
        PullOptions pullOptions = unpack.layers() ? options.withLayerListener(unpackWhileDownloading(unpack, unpacked)) : options;
        PullResult pulled;
        try {
            pulled = new ImagePuller(registry, content, images).pull(ref, pullOptions);
        } catch (PullException e) {
            // The puller reports a listener's failure as its consumer's; it is this service's unpack failure.
            if (PullException.LAYER_CONSUMER_FAILED.equals(e.code()) && e.getCause() instanceof LayerUnpackException u) throw u;
            throw e;
        }
        List<FetchResult.Layer> fetched = new ArrayList<>();
        for (PulledLayer layer : pulled.layers()) {
            // The listener saw every layer; this only catches a layer another process deleted meanwhile.
            if (unpack.layers() && !layers.has(layer.diffId())) {
                unpack(layer, unpack, true, () -> content.open(layer.digest()));
                unpacked.add(layer.index());
            }
            fetched.add(new FetchResult.Layer(layer, layers.fs(layer.diffId()), unpacked.contains(layer.index())));
        }
        return new FetchResult(pulled, fetched);
    }

    private LayerListener unpackWhileDownloading(Unpack unpack, Set<Integer> unpacked) {
        return (layer, compressed) -> {
            if (layers.has(layer.diffId())) return; // closing the stream unread lets the download finish without us
            unpack(layer, unpack, false, () -> compressed);
            unpacked.add(layer.index());
        };
    }

    private void unpack(PulledLayer layer, Unpack unpack, boolean fromStore, LayerStore.BlobOpener blob) throws LayerUnpackException {
        try (UnpackWatcher.Scope watching = unpack.watcher().unpacking(layer, fromStore)) {
            layers.ensure(layer.diffId(), layer.mediaType(), blob, unpack.limits());
        } catch (IOException | RuntimeException e) {
            throw new LayerUnpackException(layer, e);
        }
    }
}
