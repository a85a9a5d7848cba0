package dev.jplay.runtime.image;

import dev.jplay.protocol.Json;
import java.util.List;
import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about a blob it points at. */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        Platform platform,
        List<String> urls,
        Map<String, String> annotations) {

    public Descriptor {
        if (digest == null) throw new IllegalArgumentException("descriptor without digest");
        if (size < 0) throw new IllegalArgumentException("descriptor " + digest + " has negative size " + size);
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** From a descriptor's JSON; unknown fields are ignored. */
    static Descriptor fromJson(Map<String, Object> m) {
        String digest = Json.string(m, "digest");
        Map<String, Object> platform = Json.object(m, "platform");
        return new Descriptor(Json.string(m, "mediaType"), digest == null ? null : Digest.parse(digest),
                ManifestJson.longOrZero(m, "size"), platform == null ? null : Platform.fromJson(platform), Json.strings(m, "urls"),
                Json.stringMap(m, "annotations"));
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null);
    }
}
