package dev.jplay.modules.container;

import dev.jplay.modules.Activity;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.registry.ImagePuller;
import dev.jplay.runtime.registry.LayerListener;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.PullResult;
import dev.jplay.runtime.registry.PulledLayer;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes an image present in the content store and (optionally) unpacked in the layer store. Layers unpack while
 * they download, through the puller's {@link LayerListener}; each unpack checks the layer's diff_id against the
 * (digest-verified) config, so a layer in the store is always the one the image names.
 */
final class ImageEnsurer {
    private final ContainerHost host;
    private final LocalImages local;
    private final Activity activity;

    ImageEnsurer(ContainerHost host) {
        this(host, new Activity());
    }

    /** @param activity where a pull says what it is doing (blob downloads, layer unpacks) */
    ImageEnsurer(ContainerHost host, Activity activity) {
        this.host = host;
        this.local = host.localImages;
        this.activity = activity;
    }

    /** The image if it is complete here (and unpacked, when the request wants that), without any network. */
    Optional<EnsuredImage> findLocal(ImageRequest request) throws ModuleException {
        long start = System.nanoTime();
        try {
            Optional<LocalImages.LocalImage> found = local.find(request.reference(), request.platform());
            if (found.isEmpty()) return Optional.empty();
            if (request.unpack() && !found.get().diffIds().stream().allMatch(host.layers::has)) return Optional.empty();
            LocalImages.LocalImage image = found.get();
            return Optional.of(new EnsuredImage(request.reference(), image.resolvedDigest(), image.manifestDigest(),
                    image.configDigest(), image.config(), image.layers(), false, 0, 0, 0, millisSince(start)));
        } catch (IOException e) {
            throw Failures.store("cannot read image " + request.reference() + " from the content store", host.content.root(), e);
        }
    }

    /** Applies the pull policy: local if allowed and complete, else a pull (which skips blobs already here). */
    EnsuredImage ensure(ImageRequest request) throws ModuleException {
        if (request.policy() != PullPolicy.ALWAYS) {
            Optional<EnsuredImage> present = findLocal(request);
            if (present.isPresent()) return present.get();
            if (request.policy() == PullPolicy.NEVER) {
                throw new ModuleException(Step.RESOLVE, "IMAGE_NOT_PRESENT", "image " + request.reference()
                        + " is not on this host and pull is 'never'").detail("image", request.reference().toString());
            }
        }
        return pull(request);
    }

    private EnsuredImage pull(ImageRequest request) throws ModuleException {
        long start = System.nanoTime();
        ImageReference ref = request.reference();
        long reclaimed = reclaimAbandoned();
        AtomicInteger unpacked = new AtomicInteger();
        PullActivity pullActivity = new PullActivity(activity);
        PullOptions.Builder options = PullOptions.builder().platform(request.platform()).parallelism(request.parallel())
                .progressTimeout(request.progressTimeout()).progress(pullActivity);
        if (request.unpack()) options.layerListener(unpackWhileDownloading(unpacked, pullActivity, request.limits()));
        PullResult result;
        activity.now(Step.FETCH, "pulling " + ref);
        try {
            result = new ImagePuller(request.access().client(ref, request.progressTimeout()), host.content, host.images)
                    .pull(ref, options.build());
        } catch (PullException e) {
            throw Failures.pull(ref, e);
        }
        if (request.unpack()) {
            // The listener saw every layer; this only catches a layer another process deleted meanwhile.
            for (PulledLayer layer : result.layers()) {
                if (!host.layers.has(layer.diffId().toString())) {
                    activity.now(Step.UNPACK, "unpacking layer " + layer.digest() + " from the content store");
                    unpackFromStore(ref, layer, pullActivity, request.limits());
                    unpacked.incrementAndGet();
                }
            }
        }
        List<Descriptor> layers = result.layers().stream()
                .map(l -> Descriptor.of(l.mediaType(), l.digest(), l.size())).toList();
        return new EnsuredImage(ref, result.resolvedDigest(), result.manifestDigest(), result.configDigest(), result.config(),
                layers, result.changed(), result.bytesDownloaded(), unpacked.get(), reclaimed, millisSince(start));
    }

    /**
     * Deletes what interrupted pulls left behind (half-unpacked layers, partial ingests that cannot be resumed) and
     * no live agent owns, before this pull adds its own; returns the bytes reclaimed. A few directory listings when
     * there is nothing to do.
     */
    private long reclaimAbandoned() throws ModuleException {
        try {
            return host.layers.sweepTemp() + host.content.sweepIngests();
        } catch (IOException e) {
            throw Failures.store("cannot remove what interrupted pulls left in the image store", host.content.root(), e);
        }
    }

    private LayerListener unpackWhileDownloading(AtomicInteger unpacked, PullActivity pullActivity, UnpackLimits limits) {
        return (layer, compressed) -> {
            String diffId = layer.diffId().toString();
            if (host.layers.has(diffId)) return; // not reading: the puller drops the rest of the stream
            try (PullActivity.Unpacking lane = pullActivity.unpacking(layer)) {
                host.layers.ensure(diffId, layer.mediaType(), () -> compressed, limits);
            } catch (IOException e) {
                throw new LayerFailure(layer, e);
            }
            unpacked.incrementAndGet();
        };
    }

    /** Carries which layer failed through the puller's {@code LAYER_CONSUMER_FAILED}. */
    static final class LayerFailure extends IOException {
        final transient PulledLayer layer;

        LayerFailure(PulledLayer layer, IOException cause) {
            super(cause.getMessage(), cause);
            this.layer = layer;
        }
    }

    private void unpackFromStore(ImageReference ref, PulledLayer layer, PullActivity pullActivity, UnpackLimits limits) throws ModuleException {
        try (PullActivity.Unpacking lane = pullActivity.unpacking(layer)) {
            host.layers.ensure(layer.diffId().toString(), layer.mediaType(), () -> host.content.open(layer.digest()),
                    limits);
        } catch (IOException e) {
            throw Failures.unpack(ref, layer, e);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
