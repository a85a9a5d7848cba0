package dev.jplay.runtime.registry;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageConfig;
import dev.jplay.runtime.image.ImageReference;
import java.util.List;

/**
 * A pulled image, all of whose blobs are verified in the content store.
 *
 * @param resolvedDigest what the reference points at: the index digest for a multi-platform image, else the manifest's
 * @param manifestDigest the image manifest for the selected platform
 * @param changed whether anything was downloaded (false: it was all present already)
 * @param bytesDownloaded blob and manifest bytes received in this pull
 */
public record PullResult(ImageReference reference, Digest resolvedDigest, Digest manifestDigest, String manifestMediaType,
        Digest configDigest, ImageConfig config, List<PulledLayer> layers, boolean changed, long bytesDownloaded) {

    public PullResult {
        layers = List.copyOf(layers);
    }
}
