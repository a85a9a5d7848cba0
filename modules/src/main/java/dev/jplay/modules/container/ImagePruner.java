package dev.jplay.modules.container;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.launch.ContainerStatus;
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
    private final ContainerHost host;

    ImagePruner(ContainerHost host) {
        this.host = host;
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

    Pruned prune(boolean check) throws IOException {
        Set<Digest> usedByContainers = new HashSet<>();
        for (String name : host.containers.names()) {
            ContainerStatus status = host.containers.status(name);
            if (status.imageDigest() != null) usedByContainers.add(Digest.parse(status.imageDigest()));
        }
        // A container's previous revision (for rollback) keeps its image too.
        host.containers.previousImageDigests().forEach(d -> usedByContainers.add(Digest.parse(d)));
        Set<Digest> roots = new HashSet<>(usedByContainers);
        host.images.all().values().forEach(r -> roots.add(r.digest()));
        LocalImages local = host.localImages;
        Set<Digest> keepLayers = local.diffIdsReachableFrom(roots);
        int layers = 0;
        for (Digest diffId : host.layers.list()) {
            if (!keepLayers.contains(diffId) && (check || host.layers.delete(diffId))) layers++;
        }
        if (check) return new Pruned(0, 0, layers); // blob reachability is only computed by a real prune
        ImageStore.PruneResult blobs = host.images.prune(usedByContainers);
        return new Pruned(blobs.deleted().size(), blobs.bytesFreed(), layers);
    }
}
