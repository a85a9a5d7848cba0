package dev.jplay.runtime.fetch;

import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.registry.ImagePuller;
import dev.jplay.runtime.registry.LayerListener;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.PullResult;
import dev.jplay.runtime.registry.PulledLayer;
import dev.jplay.runtime.snapshot.LayerStore;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the agent does to make an image runnable: pull it into the content store and unpack every layer into the
 * {@link LayerStore}, each layer unpacked while it downloads (through a {@link LayerListener}), layers in parallel.
 *
 * <p>Both ends are verified: the puller checks each compressed blob against its digest, the layer store checks
 * each unpacked tar against the config's diff_id before renaming the layer into place. Layers already unpacked
 * are not unpacked again (their stream is dropped unread); blobs already stored are not downloaded again.
 */
public final class ImageFetcher {
    private final ImagePuller puller;
    private final LayerStore layers;
    private final UnpackLimits limits;

    public ImageFetcher(ImagePuller puller, LayerStore layers) {
        this(puller, layers, UnpackLimits.defaults());
    }

    public ImageFetcher(ImagePuller puller, LayerStore layers, UnpackLimits limits) {
        this.puller = puller;
        this.layers = layers;
        this.limits = limits;
    }

    /**
     * Pulls {@code ref} and unpacks its layers.
     *
     * @param options how to pull; must not carry a layer listener (the fetcher installs its own)
     * @throws PullException on any failure; an unpack or diff_id failure has code {@code LAYER_CONSUMER_FAILED}
     *     and leaves no partial layer in the layer store
     */
    public FetchResult fetch(ImageReference ref, PullOptions options) throws PullException {
        if (options.layerListener() != null) {
            throw new IllegalArgumentException("the fetcher installs its own layer listener; got one in the options for " + ref);
        }
        ConcurrentMap<Integer, Boolean> unpackedByIndex = new ConcurrentHashMap<>();
        LayerListener unpackWhileDownloading = (layer, compressed) -> {
            String diffId = layer.diffId().toString();
            if (layers.has(diffId)) {
                unpackedByIndex.put(layer.index(), false);
                return; // closing the stream unread lets the download finish without us
            }
            layers.ensure(diffId, layer.mediaType(), () -> compressed, limits);
            unpackedByIndex.put(layer.index(), true);
        };
        PullResult pulled = puller.pull(ref, PullOptions.builder()
                .platform(options.platform())
                .parallelism(options.parallelism())
                .maxAttempts(options.maxAttempts())
                .backoff(options.initialBackoff(), options.maxBackoff())
                .knownDigest(options.knownDigest())
                .layerListener(unpackWhileDownloading)
                .build());
        List<FetchResult.Layer> fetched = new ArrayList<>();
        for (PulledLayer layer : pulled.layers()) {
            Path fs = layers.fs(layer.diffId().toString());
            fetched.add(new FetchResult.Layer(layer, fs, unpackedByIndex.getOrDefault(layer.index(), false)));
        }
        return new FetchResult(pulled, fetched);
    }
}
