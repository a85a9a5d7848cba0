package dev.jplay.runtime.registry;

import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;

/**
 * A pull failure that says where it happened (a {@link Step} of a pull, in order: resolve, auth, manifest, fetch,
 * verify), a stable machine-readable {@link #code()} (e.g. {@code REGISTRY_HTTP_500}, {@code DIGEST_MISMATCH},
 * {@code UNAUTHORIZED}) and, when known, the URL, HTTP status and blob digest involved.
 */
public final class PullException extends Exception {
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String CONNECTION = "CONNECTION";
    public static final String TRUNCATED = "TRUNCATED";
    public static final String DIGEST_MISMATCH = "DIGEST_MISMATCH";
    public static final String SIZE_MISMATCH = "SIZE_MISMATCH";
    public static final String MEDIATYPE_MISMATCH = "MEDIATYPE_MISMATCH";
    public static final String INVALID_MANIFEST = "INVALID_MANIFEST";
    public static final String PLATFORM_NOT_FOUND = "PLATFORM_NOT_FOUND";
    public static final String REDIRECT_REJECTED = "REDIRECT_REJECTED";
    public static final String STORE_IO = "STORE_IO";
    public static final String LAYER_CONSUMER_FAILED = "LAYER_CONSUMER_FAILED";
    public static final String INTERRUPTED = "INTERRUPTED";
    /** No byte from the registry for the pull's progress timeout. */
    public static final String TIMEOUT = "TIMEOUT";

    private final Step step;
    private final String code;
    private final String url;
    private final Integer httpStatus;
    private final Digest digest;
    private final boolean retryable;

    private PullException(Builder b, Throwable cause) {
        super(b.message, cause);
        this.step = b.step;
        this.code = b.code;
        this.url = b.url;
        this.httpStatus = b.httpStatus;
        this.digest = b.digest;
        this.retryable = b.retryable;
    }

    public static Builder builder(Step step, String code, String message) {
        return new Builder(step, code, message);
    }

    /** {@code REGISTRY_HTTP_<status>} for statuses without a more specific code. */
    public static String httpCode(int status) {
        return "REGISTRY_HTTP_" + status;
    }

    public Step step() {
        return step;
    }

    public String code() {
        return code;
    }

    /** The registry URL of the failed request, or null. */
    public String url() {
        return url;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    /** The blob or manifest digest involved, or null. */
    public Digest digest() {
        return digest;
    }

    /** Whether trying again may help (5xx, connection errors, truncated bodies). */
    public boolean retryable() {
        return retryable;
    }

    /**
     * This failure in the shared vocabulary, {@code message} in front of it (e.g. the image): a registry that answered
     * but has no such manifest failed at {@code manifest}, the image (or tag) does not exist; detail has the URL,
     * HTTP status and digest.
     */
    public Failure failure(String message) {
        Step at = step == Step.RESOLVE && NOT_FOUND.equals(code) ? Step.MANIFEST : step;
        return Failure.builder(at, code, message).detail("url", url).detail("http_status", httpStatus)
                .detail("digest", digest == null ? null : digest.toString()).retryable(retryable).build();
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder(step.id()).append(' ').append(code).append(": ").append(super.getMessage());
        if (httpStatus != null) sb.append(" [HTTP ").append(httpStatus).append(']');
        if (url != null) sb.append(" [").append(url).append(']');
        if (digest != null && !super.getMessage().contains(digest.toString())) sb.append(" [").append(digest).append(']');
        return sb.toString();
    }

    public static final class Builder {
        private final Step step;
        private final String code;
        private final String message;
        private String url;
        private Integer httpStatus;
        private Digest digest;
        private boolean retryable;

        private Builder(Step step, String code, String message) {
            this.step = step;
            this.code = code;
            this.message = message;
        }

        public Builder url(Object url) {
            this.url = url == null ? null : url.toString();
            return this;
        }

        public Builder httpStatus(int status) {
            this.httpStatus = status;
            return this;
        }

        public Builder digest(Digest digest) {
            this.digest = digest;
            return this;
        }

        public Builder retryable(boolean retryable) {
            this.retryable = retryable;
            return this;
        }

        public PullException build() {
            return new PullException(this, null);
        }

        public PullException build(Throwable cause) {
            return new PullException(this, cause);
        }
    }
}
