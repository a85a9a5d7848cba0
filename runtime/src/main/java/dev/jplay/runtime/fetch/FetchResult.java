package dev.jplay.runtime.fetch;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.registry.PullResult;
import dev.jplay.runtime.registry.PulledLayer;
import java.nio.file.Path;
import java.util.List;

/**
 * A pulled and unpacked image.
 *
 * @param pull the pull (digests, config, download figures)
 * @param layers base layer first, each with its unpacked directory
 */
public record FetchResult(PullResult pull, List<Layer> layers) {

    /**
     * @param fs the layer's directory in the layer store (overlay lower form)
     * @param unpacked true if this fetch unpacked it, false if it was already in the layer store
     */
    public record Layer(PulledLayer layer, Path fs, boolean unpacked) {}

    public FetchResult {
        layers = List.copyOf(layers);
    }

    /** diff_ids base layer first, as {@link dev.jplay.runtime.snapshot.Snapshotter#prepare} takes them. */
    public List<Digest> diffIds() {
        return layers.stream().map(l -> l.layer().diffId()).toList();
    }

    /** Layers this fetch unpacked (0 when the image was already unpacked). */
    public int unpackedCount() {
        return (int) layers.stream().filter(Layer::unpacked).count();
    }
}
