package dev.jplay.runtime.image;

import dev.jplay.protocol.Json;
import java.util.List;
import java.util.Map;

/** An image manifest (OCI or Docker schema 2): one config blob plus ordered layers, base layer first. */
public record ImageManifest(
        int schemaVersion,
        String mediaType,
        Descriptor config,
        List<Descriptor> layers) {

    public ImageManifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    /** From the manifest's JSON; unknown fields are ignored, a field of the wrong type fails (IllegalArgumentException). */
    static ImageManifest fromJson(Map<String, Object> m) {
        Map<String, Object> config = Json.object(m, "config");
        return new ImageManifest(ManifestJson.intOrZero(m, "schemaVersion"), Json.string(m, "mediaType"),
                config == null ? null : Descriptor.fromJson(config), ManifestJson.descriptors(m, "layers"));
    }
}
