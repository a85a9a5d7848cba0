package dev.jplay.runtime.image;

import dev.jplay.protocol.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An image index (OCI) or manifest list (Docker): one manifest per platform. */
public record ImageIndex(
        int schemaVersion,
        String mediaType,
        List<Descriptor> manifests) {

    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
    }

    /** From the index's JSON; unknown fields are ignored, a field of the wrong type fails (IllegalArgumentException). */
    static ImageIndex fromJson(Map<String, Object> m) {
        return new ImageIndex(ManifestJson.intOrZero(m, "schemaVersion"), Json.string(m, "mediaType"),
                ManifestJson.descriptors(m, "manifests"));
    }

    /** The first image manifest whose platform the wanted platform accepts (entries in index order, as containerd). */
    public Optional<Descriptor> select(Platform wanted) {
        return manifests.stream()
                .filter(d -> d.mediaType() == null || MediaTypes.isManifest(d.mediaType()))
                .filter(d -> wanted.accepts(d.platform()))
                .findFirst();
    }
}
