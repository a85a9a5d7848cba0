package dev.jplay.modules.container;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.snapshot.LayerStore;
import dev.jplay.runtime.store.ImageStore;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Deletes blobs and unpacked layers that neither a recorded image nor an existing container uses. A container
 * keeps its image even after {@code image: state=absent}, as Docker keeps an image a container was created from.
 */
final class ImagePruner {
    private final ImageStore images;
    private final LayerStore layers;
    private final LocalImages local;

    ImagePruner(ImageStore images, LayerStore layers, LocalImages local) {
        this.images = images;
        this.layers = layers;
        this.local = local;
    }

    /** What was (or, in check mode, would be) removed. */
    record Pruned(int blobs, long bytes, int layers) {
        boolean changed() {
            return blobs > 0 || layers > 0;
        }

        Map<String, Object> toData() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("blobs_deleted", blobs);
            data.put("bytes_freed", bytes);
            data.put("layers_deleted", layers);
            return data;
        }
    }

    /** @param usedByContainers images that containers (and their kept revisions) were created from */
    Pruned prune(Set<Digest> usedByContainers, boolean check) throws IOException {
        Set<Digest> roots = new HashSet<>(usedByContainers);
        images.all().values().forEach(r -> roots.add(r.digest()));
        Set<Digest> keepLayers = local.diffIdsReachableFrom(roots);
        int layersDeleted = 0;
        for (Digest diffId : layers.list()) {
            if (!keepLayers.contains(diffId) && (check || layers.delete(diffId))) layersDeleted++;
        }
        if (check) return new Pruned(0, 0, layersDeleted); // blob reachability is only computed by a real prune
        ImageStore.PruneResult blobs = images.prune(usedByContainers);
        return new Pruned(blobs.deleted().size(), blobs.bytesFreed(), layersDeleted);
    }
}
