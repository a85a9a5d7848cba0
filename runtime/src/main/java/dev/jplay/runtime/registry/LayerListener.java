package dev.jplay.runtime.registry;

import java.io.InputStream;

/**
 * Consumes each layer's compressed bytes while the layer downloads, so unpacking overlaps the download:
 * <pre>{@code
 * PullOptions.builder().layerListener((layer, in) -> unpacker.unpack(in, layer.mediaType(), dirFor(layer)))
 * }</pre>
 *
 * <p>Called once per layer (also for layers already in the store, then fed from the store), each call on its own
 * thread, so layers are consumed in parallel and in no particular order. The stream delivers exactly the blob's
 * bytes: a download retried or resumed after a failure continues the same stream without repeating bytes. It
 * ends normally (-1) only after the whole blob was verified against its digest; if the download fails or the
 * digest does not match, a read throws an {@link java.io.IOException} instead.
 *
 * <p>A consumer may stop reading early (a tar reader need not read padding); the rest is still downloaded and
 * stored. {@link ImagePuller#pull} returns only after every listener returned and fails with
 * {@code LAYER_CONSUMER_FAILED} if one threw. A consumer's output is valid only if {@code pull} succeeded.
 */
@FunctionalInterface
public interface LayerListener {
    void onLayer(PulledLayer layer, InputStream compressed) throws Exception;
}
