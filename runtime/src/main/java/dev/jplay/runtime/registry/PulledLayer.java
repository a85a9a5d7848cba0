package dev.jplay.runtime.registry;

import dev.jplay.runtime.image.Digest;
import java.nio.file.Path;

/**
 * One layer of a pulled image, base layer first ({@code index} 0).
 *
 * @param diffId the uncompressed tar's digest from the config's {@code rootfs.diff_ids}
 * @param path the verified compressed blob in the content store
 */
public record PulledLayer(int index, Digest digest, long size, String mediaType, Digest diffId, Path path) {}
