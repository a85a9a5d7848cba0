package dev.jplay.runtime.registry;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.Platform;
import java.time.Duration;

/**
 * How to pull.
 *
 * @param platform which manifest to take from an index (default: the host's, {@link Platform#host()})
 * @param parallelism layers downloaded at once (default 3)
 * @param maxAttempts tries per request on 5xx and connection errors, including the first (default 5)
 * @param initialBackoff wait before the first retry, doubled each time up to {@code maxBackoff}
 * @param knownDigest offline shortcut: the caller already knows the reference resolves to this manifest/index
 *     digest (e.g. from the image store); if everything it needs is in the content store, no request is made
 * @param layerListener optional consumer of layer streams during the download, see {@link LayerListener}
 * @param progressTimeout the pull fails with {@code TIMEOUT} when none of its connections received a byte for this
 *     long (containerd's {@code image_pull_progress_timeout}): a pull may take as long as bytes keep coming, a
 *     stalled registry ends it. Default {@link #DEFAULT_PROGRESS_TIMEOUT}.
 * @param progress optional observer of received bytes, see {@link PullProgress}
 * @param peers optional fleet hosts to take blobs from before the registry, see {@link PeerSources}
 */
public record PullOptions(Platform platform, int parallelism, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
        Digest knownDigest, LayerListener layerListener, Duration progressTimeout, PullProgress progress, PeerSources peers) {

    /**
     * 60 s, where containerd takes 5 min: a registry that sends headers and then nothing for a minute over a live
     * TCP connection is not slow but stuck, and a deploy should say so while someone still watches; the
     * {@code pull_progress_timeout} argument raises it for slow mirrors of huge images.
     */
    public static final Duration DEFAULT_PROGRESS_TIMEOUT = Duration.ofSeconds(60);

    public PullOptions {
        if (platform == null) platform = Platform.host();
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        if (progressTimeout == null) progressTimeout = DEFAULT_PROGRESS_TIMEOUT;
        if (progressTimeout.isNegative() || progressTimeout.isZero()) {
            throw new IllegalArgumentException("progressTimeout must be positive, got " + progressTimeout);
        }
    }

    /** These options with {@code listener} consuming the layer streams. */
    public PullOptions withLayerListener(LayerListener listener) {
        return new PullOptions(platform, parallelism, maxAttempts, initialBackoff, maxBackoff, knownDigest, listener,
                progressTimeout, progress, peers);
    }

    public static PullOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Platform platform = Platform.host();
        private int parallelism = 3;
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Digest knownDigest;
        private LayerListener layerListener;
        private Duration progressTimeout = DEFAULT_PROGRESS_TIMEOUT;
        private PullProgress progress;
        private PeerSources peers;

        public Builder platform(Platform platform) {
            this.platform = platform;
            return this;
        }

        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder knownDigest(Digest digest) {
            this.knownDigest = digest;
            return this;
        }

        public Builder layerListener(LayerListener listener) {
            this.layerListener = listener;
            return this;
        }

        public Builder progressTimeout(Duration timeout) {
            this.progressTimeout = timeout;
            return this;
        }

        public Builder progress(PullProgress progress) {
            this.progress = progress;
            return this;
        }

        public Builder peers(PeerSources peers) {
            this.peers = peers;
            return this;
        }

        public PullOptions build() {
            return new PullOptions(platform, parallelism, maxAttempts, initialBackoff, maxBackoff, knownDigest, layerListener,
                    progressTimeout, progress, peers);
        }
    }
}
