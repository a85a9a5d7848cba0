package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageConfig;
import dev.jplay.runtime.image.ImageManifest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.ManifestDocument;
import dev.jplay.runtime.image.ManifestFormatException;
import dev.jplay.runtime.image.Platform;
import dev.jplay.runtime.store.ContentMismatchException;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.store.ImageStore;
import dev.jplay.runtime.store.Ingest;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Pulls an image into a {@link ContentStore}: resolve the reference, pick the platform's manifest from an index,
 * then fetch the config and the layers (in parallel), verifying every blob's digest while it streams.
 *
 * <p>Blobs already in the store are not fetched, so pulling a present image costs one HEAD request (or none with a
 * digest-pinned reference or {@link PullOptions#knownDigest()}). Requests failing with 5xx or connection errors are
 * retried with exponential backoff; an interrupted blob download resumes from its partial ingest with a Range
 * request. A pull whose connections all stay silent for {@link PullOptions#progressTimeout()} fails with
 * {@code TIMEOUT}: the client's read timeout must be that progress timeout (see {@link #stalled}).
 */
public final class ImagePuller {
    private static final int BUFFER = 128 * 1024;

    private final RegistryClient registry;
    private final ContentStore store;
    private final ImageStore images;

    /** @param images where to record the pulled reference; may be null */
    public ImagePuller(RegistryClient registry, ContentStore store, ImageStore images) {
        this.registry = registry;
        this.store = store;
        this.images = images;
    }

    public PullResult pull(ImageReference ref, PullOptions options) throws PullException {
        Pull pull = new Pull(ref, options);
        PullResult result = pull.run();
        if (images != null) {
            try {
                images.record(ref.toString(), result.resolvedDigest(), pull.topMediaType);
            } catch (IOException e) {
                throw PullException.builder(Step.FETCH, PullException.STORE_IO, "cannot record image " + ref + ": " + e.getMessage())
                        .digest(result.resolvedDigest()).build(e);
            }
        }
        return result;
    }

    /** The state of one pull. */
    private final class Pull {
        private final ImageReference ref;
        private final PullOptions options;
        private final AtomicLong downloaded = new AtomicLong();
        private final AtomicInteger fetches = new AtomicInteger();
        /** When any of this pull's connections last received bytes (nanoTime): the progress deadline's origin. */
        private final AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        private final Retry retry;
        private String topMediaType;

        Pull(ImageReference ref, PullOptions options) {
            this.ref = ref;
            this.options = options;
            this.retry = Retry.of(options, this::stalled);
        }

        PullResult run() throws PullException {
            Digest known = ref.digest() != null ? ref.digest() : options.knownDigest();
            if (known != null && store.has(known)) {
                Optional<PullResult> local = fromStoreOnly(known);
                if (local.isPresent()) return local.get();
            }
            Digest resolved = ref.digest();
            if (resolved == null) resolved = registry.headManifest(ref, retry).orElse(null);
            ManifestDocument top;
            if (resolved != null && store.has(resolved)) {
                top = load(resolved, null);
            } else {
                top = registry.fetchManifest(ref, resolved, null, retry);
                keep(top);
            }
            topMediaType = top.mediaType();
            ManifestDocument image = top;
            if (top.isIndex()) {
                Descriptor entry = selectPlatform(top);
                if (store.has(entry.digest())) {
                    image = load(entry.digest(), entry.mediaType());
                } else {
                    image = registry.fetchManifest(ref, null, entry, retry);
                    keep(image);
                }
            }
            ImageManifest manifest = image.manifest();
            fetchBlob(manifest.config(), null);
            ImageConfig config = readConfig(manifest);
            List<PulledLayer> layers = fetchLayers(manifest, config);
            return new PullResult(ref, top.digest(), image.digest(), image.mediaType(), manifest.config().digest(), config, layers,
                    fetches.get() > 0, downloaded.get());
        }

        /** The offline shortcut: everything is local, so no request at all. */
        private Optional<PullResult> fromStoreOnly(Digest known) throws PullException {
            ManifestDocument top = load(known, null);
            ManifestDocument image = top;
            if (top.isIndex()) {
                Descriptor entry = selectPlatform(top);
                if (!store.has(entry.digest())) return Optional.empty();
                image = load(entry.digest(), entry.mediaType());
            }
            ImageManifest manifest = image.manifest();
            if (!store.has(manifest.config().digest())) return Optional.empty();
            for (Descriptor layer : manifest.layers()) {
                if (!store.has(layer.digest())) return Optional.empty();
            }
            topMediaType = top.mediaType();
            ImageConfig config = readConfig(manifest);
            List<PulledLayer> layers = fetchLayers(manifest, config); // all present: only feeds a listener
            return Optional.of(new PullResult(ref, top.digest(), image.digest(), image.mediaType(), manifest.config().digest(), config,
                    layers, false, 0));
        }

        private Descriptor selectPlatform(ManifestDocument index) throws PullException {
            Platform wanted = options.platform();
            return index.index().select(wanted).orElseThrow(() -> PullException.builder(Step.MANIFEST, PullException.PLATFORM_NOT_FOUND,
                    "no manifest for " + wanted + " in " + ref + "; available: " + index.index().manifests().stream()
                            .map(d -> String.valueOf(d.platform())).collect(Collectors.joining(", "))).digest(index.digest()).build());
        }

        private ManifestDocument load(Digest digest, String mediaType) throws PullException {
            try {
                return ManifestDocument.parse(store.read(digest), mediaType);
            } catch (IOException e) {
                throw storeFailure(digest, e);
            } catch (ManifestFormatException e) {
                throw PullException.builder(Step.MANIFEST, e.code(), "stored manifest: " + e.getMessage()).digest(digest).build(e);
            }
        }

        private void keep(ManifestDocument document) throws PullException {
            fetches.incrementAndGet();
            downloaded.addAndGet(document.bytes().length);
            lastProgress.set(System.nanoTime());
            try {
                store.put(document.bytes());
            } catch (IOException e) {
                throw storeFailure(document.digest(), e);
            }
        }

        private ImageConfig readConfig(ImageManifest manifest) throws PullException {
            Digest digest = manifest.config().digest();
            ImageConfig config;
            try {
                config = ImageConfig.parse(store.read(digest));
            } catch (IOException e) {
                throw PullException.builder(Step.MANIFEST, PullException.INVALID_MANIFEST, "unreadable image config: " + e.getMessage())
                        .digest(digest).build(e);
            }
            if (config.diffIds().size() != manifest.layers().size()) {
                throw PullException.builder(Step.MANIFEST, PullException.INVALID_MANIFEST, "config lists " + config.diffIds().size()
                        + " diff_ids for " + manifest.layers().size() + " layers").digest(digest).build();
            }
            return config;
        }

        private List<PulledLayer> fetchLayers(ImageManifest manifest, ImageConfig config) throws PullException {
            List<PulledLayer> layers = new ArrayList<>();
            for (int i = 0; i < manifest.layers().size(); i++) {
                Descriptor d = manifest.layers().get(i);
                layers.add(new PulledLayer(i, d.digest(), d.size(), d.mediaType(), config.diffIds().get(i), store.path(d.digest())));
            }
            LayerListener listener = options.layerListener();
            boolean allPresent = layers.stream().allMatch(l -> store.has(l.digest()));
            if (allPresent && listener == null) return layers;

            ExecutorService downloads = Executors.newFixedThreadPool(options.parallelism(), daemon("jplay-pull-layer"));
            ExecutorService consumers = Executors.newCachedThreadPool(daemon("jplay-pull-consumer"));
            try {
                List<Future<?>> downloadFutures = new ArrayList<>();
                List<LayerFeed> feeds = new ArrayList<>();
                for (PulledLayer layer : layers) {
                    Descriptor descriptor = manifest.layers().get(layer.index());
                    LayerFeed feed = listener == null ? null : new LayerFeed(layer, listener, consumers);
                    if (feed != null) feeds.add(feed);
                    downloadFutures.add(downloads.submit(() -> {
                        fetchBlob(descriptor, feed);
                        return null;
                    }));
                }
                awaitAll(downloadFutures, Step.FETCH, null);
                awaitAll(feeds.stream().<Future<?>>map(LayerFeed::consumer).toList(), Step.FETCH, PullException.LAYER_CONSUMER_FAILED);
                return layers;
            } finally {
                downloads.shutdownNow();
                consumers.shutdownNow();
            }
        }

        /** Waits for all; rethrows the first failure (in submission order) after cancelling the rest. */
        private void awaitAll(List<Future<?>> futures, Step step, String wrapCode) throws PullException {
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    Throwable cause = e.getCause();
                    if (wrapCode == null && cause instanceof PullException pull) throw pull;
                    throw PullException.builder(step, wrapCode != null ? wrapCode : PullException.STORE_IO,
                            "layer consumer failed: " + RegistryErrors.describe(cause)).build(cause);
                } catch (InterruptedException e) {
                    futures.forEach(f -> f.cancel(true));
                    Thread.currentThread().interrupt();
                    throw PullException.builder(step, PullException.INTERRUPTED, "pull interrupted").build(e);
                }
            }
        }

        /** Makes one blob present in the store, from the pull's peers if any have it, and feeds it to {@code feed} if given. */
        private void fetchBlob(Descriptor descriptor, LayerFeed feed) throws PullException {
            PeerSources peers = options.peers();
            if (peers != null && !store.has(descriptor.digest())) {
                for (PeerSource peer : peers.live()) {
                    if (fromPeer(descriptor, feed, peers, peer)) return;
                }
            }
            fetchFromRegistry(descriptor, feed == null ? null : feed.pipe());
        }

        /**
         * One try of one peer: true when the blob is verified and stored. On any failure the peer is dropped, nothing
         * it sent is kept (the partial is discarded, the listener starts over) and false sends the caller on.
         */
        private boolean fromPeer(Descriptor descriptor, LayerFeed feed, PeerSources peers, PeerSource peer) throws PullException {
            Digest digest = descriptor.digest();
            try (Ingest ingest = store.ingest(digest, descriptor.size())) {
                if (ingest.isComplete() || ingest.offset() > 0) return false; // stored meanwhile, or a partial to resume
                StreamPipe pipe = feed == null ? null : feed.pipe();
                try {
                    download(descriptor, ingest, pipe, peers, peer);
                    commit(ingest, descriptor, pipe);
                } catch (PullException e) {
                    peers.drop(peer, digest, e);
                    if (Files.exists(store.partialPath(digest))) ingest.discard();
                    if (feed != null) feed.restart("peer " + peer + " dropped: " + e.code());
                    return false;
                }
                peers.received(descriptor.size());
                if (options.progress() != null) options.progress().ended(digest);
                return true;
            } catch (IOException e) {
                throw storeFailure(digest, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PullException.builder(Step.FETCH, PullException.INTERRUPTED, "pull interrupted").digest(digest).build(e);
            }
        }

        /** Makes one blob present in the store (downloading it if needed) and feeds it to {@code pipe} if given. */
        private void fetchFromRegistry(Descriptor descriptor, StreamPipe pipe) throws PullException {
            Digest digest = descriptor.digest();
            if (pipe == null && store.has(digest)) return;
            try (Ingest ingest = store.ingest(digest, descriptor.size())) {
                if (ingest.isComplete()) {
                    if (pipe != null) {
                        replay(store.open(digest), pipe);
                        pipe.finish();
                    }
                    return;
                }
                if (pipe != null && ingest.offset() > 0) replay(ingest.openWritten(), pipe);
                for (int attempt = 1; ; attempt++) {
                    try {
                        download(descriptor, ingest, pipe, null, null);
                        commit(ingest, descriptor, pipe);
                        if (options.progress() != null) options.progress().ended(digest);
                        return;
                    } catch (PullException e) {
                        // each try resumes where the last stopped: a new request, so the retry loop is here
                        retry.afterFailure(attempt, e, "fetching blob " + digest + " after " + ingest.offset() + " of "
                                + descriptor.size() + " bytes");
                    }
                }
            } catch (PullException e) {
                if (pipe != null) pipe.fail(new IOException(e.getMessage(), e));
                throw e;
            } catch (IOException e) {
                PullException failure = storeFailure(digest, e);
                if (pipe != null) pipe.fail(e);
                throw failure;
            }
        }

        /**
         * A read that timed out has seen no byte on its connection for the progress timeout (the client's read
         * timeout). If no other connection of this pull received any meanwhile, the pull is stuck: TIMEOUT, not
         * retried (another try would only wait as long again). If others did, this connection alone stalled: null,
         * and it is retried like any broken connection, resuming where it stopped.
         */
        private PullException stalled(PullException e, String doing) {
            if (!(e.getCause() instanceof SocketTimeoutException t) || !"Read timed out".equals(t.getMessage())) return null;
            long silentNanos = System.nanoTime() - lastProgress.get();
            long limit = options.progressTimeout().toNanos();
            if (silentNanos < limit - limit / 100) return null;
            return PullException.builder(Step.FETCH, PullException.TIMEOUT, "no data from the registry for "
                    + silentNanos / 1_000_000 + " ms (pull progress timeout " + limit / 1_000_000 + " ms) while " + doing)
                    .url(e.url()).digest(e.digest()).retryable(false).build(e.getCause());
        }

        private void replay(InputStream in, StreamPipe pipe) throws IOException {
            try (in) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) pipe.write(buffer, 0, n);
            }
        }

        /** From the registry, or from {@code peer} of {@code peers} when given. */
        private void download(Descriptor descriptor, Ingest ingest, StreamPipe pipe, PeerSources peers, PeerSource peer)
                throws PullException, IOException {
            Digest digest = descriptor.digest();
            long offset = ingest.offset();
            if (options.progress() != null) options.progress().received(digest, offset, descriptor.size());
            try (BlobPuller.Body response = peer == null ? registry.openBlob(ref, digest, offset) : peers.open(peer, digest)) {
                fetches.incrementAndGet();
                long skip = offset - response.start(); // the registry ignored our Range: drop what we have
                InputStream body = response.stream();
                byte[] buffer = new byte[BUFFER];
                while (true) {
                    int n;
                    try {
                        n = body.read(buffer);
                    } catch (IOException e) {
                        throw PullException.builder(Step.FETCH, PullException.CONNECTION, "download broke off after "
                                + ingest.offset() + " of " + descriptor.size() + " bytes: " + RegistryErrors.describe(e))
                                .url(response.uri()).digest(digest).retryable(true).build(e);
                    }
                    if (n < 0) break;
                    int from = 0;
                    if (skip > 0) {
                        from = (int) Math.min(skip, n);
                        skip -= from;
                    }
                    if (n - from == 0) continue;
                    try {
                        ingest.write(buffer, from, n - from);
                    } catch (ContentMismatchException e) {
                        ingest.discard();
                        throw PullException.builder(Step.VERIFY, PullException.SIZE_MISMATCH, e.getMessage()).url(response.uri())
                                .digest(digest).build(e);
                    }
                    downloaded.addAndGet(n - from);
                    lastProgress.set(System.nanoTime());
                    if (options.progress() != null) options.progress().received(digest, ingest.offset(), descriptor.size());
                    if (pipe != null) pipe.write(buffer, from, n - from);
                }
                if (ingest.offset() < descriptor.size()) {
                    throw PullException.builder(Step.FETCH, PullException.TRUNCATED, "body ended after " + ingest.offset() + " of "
                            + descriptor.size() + " bytes").url(response.uri()).digest(digest).retryable(true).build();
                }
            }
        }

        /**
         * Verifies the blob, ends the consumer's stream, then fsyncs and publishes: the consumer finishes (e.g.
         * renames its unpacked layer) while the blob is flushed, instead of waiting for the disk.
         */
        private void commit(Ingest ingest, Descriptor descriptor, StreamPipe pipe) throws PullException, IOException {
            try {
                ingest.verify();
                if (pipe != null) pipe.finish();
                ingest.commit();
            } catch (ContentMismatchException e) {
                String code = e.kind() == ContentMismatchException.Kind.DIGEST ? PullException.DIGEST_MISMATCH : PullException.SIZE_MISMATCH;
                throw PullException.builder(Step.VERIFY, code, e.getMessage()).url(registry.baseUri(ref)).digest(descriptor.digest()).build(e);
            }
        }

        private PullException storeFailure(Digest digest, IOException e) {
            return PullException.builder(Step.FETCH, PullException.STORE_IO, "content store " + store.root() + ": "
                    + RegistryErrors.describe(e)).digest(digest).build(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
