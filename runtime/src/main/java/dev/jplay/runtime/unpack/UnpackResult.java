package dev.jplay.runtime.unpack;

import java.util.List;

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
}
