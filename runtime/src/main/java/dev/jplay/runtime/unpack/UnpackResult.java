package dev.jplay.runtime.unpack;

import dev.jplay.protocol.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an unpack produced.
 *
 * @param diffId {@code sha256:<hex>} of the uncompressed tar, to check against the image config's rootfs.diff_ids
 * @param entries tar entries processed
 * @param bytes size of the uncompressed tar stream
 * @param opaqueDirs layer-relative directories marked opaque ({@code ""} is the layer root)
 * @param skippedDevices layer-relative paths of device nodes not created (see {@link LayerUnpacker})
 */
public record UnpackResult(String diffId, long entries, long bytes, List<String> opaqueDirs,
                           List<String> skippedDevices) {
    public UnpackResult {
        opaqueDirs = List.copyOf(opaqueDirs);
        skippedDevices = List.copyOf(skippedDevices);
    }

    /** The {@code unpack.json} form: component names as keys, in component order. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("diffId", diffId);
        m.put("entries", entries);
        m.put("bytes", bytes);
        m.put("opaqueDirs", opaqueDirs);
        m.put("skippedDevices", skippedDevices);
        return m;
    }

    public static UnpackResult fromJson(Map<String, Object> m) {
        Long entries = Json.longValue(m, "entries");
        Long bytes = Json.longValue(m, "bytes");
        List<String> opaqueDirs = Json.strings(m, "opaqueDirs");
        List<String> skippedDevices = Json.strings(m, "skippedDevices");
        return new UnpackResult(Json.string(m, "diffId"), entries == null ? 0 : entries, bytes == null ? 0 : bytes,
                opaqueDirs == null ? List.of() : opaqueDirs, skippedDevices == null ? List.of() : skippedDevices);
    }
}
