package dev.jplay.runtime.fetch;

import dev.jplay.runtime.registry.PulledLayer;

/** Told when a layer starts unpacking, on the unpacking thread; the unpack ends when the returned scope closes. */
@FunctionalInterface
public interface UnpackWatcher {
    UnpackWatcher NONE = (layer, fromStore) -> () -> { };

    /** @param fromStore true when the layer is unpacked from the content store, not while it downloads */
    Scope unpacking(PulledLayer layer, boolean fromStore);

    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
