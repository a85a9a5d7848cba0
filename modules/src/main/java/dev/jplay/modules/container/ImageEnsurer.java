package dev.jplay.modules.container;

import dev.jplay.modules.Activity;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.fetch.FetchResult;
import dev.jplay.runtime.fetch.ImageService;
import dev.jplay.runtime.fetch.LayerUnpackException;
import dev.jplay.runtime.fetch.UnpackWatcher;
import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.registry.PeerSources;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.PullResult;
import dev.jplay.runtime.registry.RegistryAuthenticator;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The modules' side of the runtime's {@link ImageService}: applies a request's pull policy (local if allowed and
 * complete, else a fetch, which skips blobs and layers already here), says what the fetch is doing in the task's
 * activity, and turns its failures into located module failures.
 */
final class ImageEnsurer {
    private final ContainerHost host;
    private final LocalImages local;
    private final Activity activity;
    private final RegistryAuthenticator authenticator;
    /** The task's context: the agent's state (images the controller relayed in this run, {@link ImageRelayModule})
     *  and the peers this host serves; null for {@link #findLocal} only. */
    private final ModuleContext ctx;

    /** For {@link #findLocal} only: no registry is asked. */
    ImageEnsurer(ContainerHost host) {
        this(host, new Activity(), new RegistryAuthenticator(), null);
    }

    /** Pulls say what they do in the task's activity and share the agent's registry tokens. */
    ImageEnsurer(ContainerHost host, ModuleContext ctx) {
        this(host, ctx.activity(), RegistryAccess.authenticator(ctx), ctx);
    }

    private ImageEnsurer(ContainerHost host, Activity activity, RegistryAuthenticator authenticator, ModuleContext ctx) {
        this.ctx = ctx;
        this.host = host;
        this.local = host.localImages();
        this.activity = activity;
        this.authenticator = authenticator;
    }

    /** The image if it is complete here (and unpacked, when the request wants that), without any network. */
    Optional<EnsuredImage> findLocal(ImageRequest request) throws ModuleException {
        long start = System.nanoTime();
        try {
            Optional<LocalImages.LocalImage> found = local.find(request.reference(), request.platform());
            if (found.isEmpty()) return Optional.empty();
            if (request.unpack() && !host.missingLayers(found.get().diffIds()).isEmpty()) return Optional.empty();
            LocalImages.LocalImage image = found.get();
            return Optional.of(new EnsuredImage(request.reference(), image.resolvedDigest(), image.manifestDigest(),
                    image.configDigest(), image.config(), image.layers(), false, 0, 0, 0, millisSince(start), null));
        } catch (IOException e) {
            throw Failures.store("cannot read image " + request.reference() + " from the content store", host.imageStoreDir(), e);
        }
    }

    /** Applies the pull policy: local if allowed and complete, else a pull (which skips blobs already here). */
    EnsuredImage ensure(ImageRequest request) throws ModuleException {
        // A relayed image was resolved by the controller in this run: pull always was honoured there, and this host
        // cannot reach the registry anyway.
        boolean relayed = ctx != null && ImageRelayModule.relayedDigest(ctx.agentState(), request.reference()) != null;
        // A host serves its blobs to its peers whether it pulls or already has them.
        String serveWarning = request.peers() == null || ctx == null ? null
                : PeerServing.ensure(ctx, host.contentStore(), request.peers()).orElse(null);
        if (request.policy() != PullPolicy.ALWAYS || relayed) {
            Optional<EnsuredImage> present = findLocal(request);
            if (present.isPresent()) {
                EnsuredImage image = present.get();
                return request.peers() == null ? image : image.withPeers(new PeerOutcome(null, serveWarning));
            }
            if (request.policy() == PullPolicy.NEVER) {
                throw new ModuleException(Step.RESOLVE, "IMAGE_NOT_PRESENT", "image " + request.reference()
                        + " is not on this host and pull is 'never'").detail("image", request.reference().toString());
            }
        }
        return pull(request, serveWarning);
    }

    private EnsuredImage pull(ImageRequest request, String serveWarning) throws ModuleException {
        long start = System.nanoTime();
        ImageReference ref = request.reference();
        ImageService service = host.imageService();
        long reclaimed;
        try {
            reclaimed = service.reclaimAbandoned();
        } catch (IOException e) {
            throw Failures.store("cannot remove what interrupted pulls left in the image store", host.imageStoreDir(), e);
        }
        PullActivity pullActivity = new PullActivity(activity);
        PeerSources peers = request.peers() == null || request.peers().sources().isEmpty() ? null
                : new PeerSources(request.peers().sources(), request.peers().token(),
                        // a peer may not stall longer than the registry may
                        request.progressTimeout().compareTo(PeerSources.DEFAULT_STALL_TIMEOUT) < 0
                                ? request.progressTimeout() : PeerSources.DEFAULT_STALL_TIMEOUT);
        PullOptions options = PullOptions.builder().platform(request.platform()).parallelism(request.parallel())
                .progressTimeout(request.progressTimeout()).progress(pullActivity).peers(peers).build();
        ImageService.Unpack unpack = request.unpack()
                ? ImageService.Unpack.layers(request.limits(), watcher(pullActivity)) : ImageService.Unpack.none();
        FetchResult fetched;
        activity.now(Step.FETCH, "pulling " + ref);
        try {
            fetched = service.fetch(request.access().client(ref, request.progressTimeout(), authenticator), ref, options, unpack);
        } catch (PullException e) {
            throw Failures.pull(ref, e);
        } catch (LayerUnpackException e) {
            throw Failures.unpack(ref, e);
        }
        PullResult result = fetched.pull();
        List<Descriptor> layers = result.layers().stream()
                .map(l -> Descriptor.of(l.mediaType(), l.digest(), l.size())).toList();
        return new EnsuredImage(ref, result.resolvedDigest(), result.manifestDigest(), result.configDigest(), result.config(),
                layers, result.changed(), result.bytesDownloaded(), fetched.unpackedCount(), reclaimed, millisSince(start),
                request.peers() == null ? null : new PeerOutcome(peers, serveWarning));
    }

    /** One activity lane per unpacking layer; an unpack from the content store is the task's current step too. */
    private UnpackWatcher watcher(PullActivity pullActivity) {
        return (layer, fromStore) -> {
            if (fromStore) activity.now(Step.UNPACK, "unpacking layer " + layer.digest() + " from the content store");
            PullActivity.Unpacking lane = pullActivity.unpacking(layer);
            return lane::close;
        };
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
