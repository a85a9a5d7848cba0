package dev.jplay.runtime.fetch;

import dev.jplay.runtime.registry.PulledLayer;

/**
 * A layer that downloaded fine but did not unpack: its tar was refused or hit a bound
 * ({@link dev.jplay.runtime.unpack.UnpackException}), its diff_id did not match
 * ({@link dev.jplay.runtime.snapshot.LayerDigestMismatchException}), or writing it failed. The cause says which;
 * nothing of the layer is kept.
 */
public final class LayerUnpackException extends Exception {
    private final transient PulledLayer layer;

    public LayerUnpackException(PulledLayer layer, Throwable cause) {
        super("layer " + layer.digest() + " (diff_id " + layer.diffId() + "): " + cause.getMessage(), cause);
        this.layer = layer;
    }

    /** The layer that failed. */
    public PulledLayer layer() {
        return layer;
    }
}
