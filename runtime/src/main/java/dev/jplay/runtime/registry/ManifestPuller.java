package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.ManifestDocument;
import dev.jplay.runtime.image.ManifestFormatException;
import dev.jplay.runtime.image.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/**
 * GET of a manifest or index of {@code ref}'s repository: by digest when one is known ({@code expected}, an index
 * entry; else {@code resolved}; else the reference's own), then the bytes must hash to that digest; by tag they must
 * match the registry's {@code Docker-Content-Digest}.
 */
record ManifestPuller(ImageReference ref, Digest resolved, Descriptor expected) implements RegistryEndpoint<ManifestDocument> {
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    /** The digest the bytes must have, if known before the request. */
    private Digest pinned() {
        return expected != null ? expected.digest() : resolved != null ? resolved : ref.digest();
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public URI uri(URI apiBase) {
        Digest pinned = pinned();
        return apiBase.resolve(ref.repository() + "/manifests/" + (pinned != null ? pinned.toString() : ref.tag()));
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Accept", MediaTypes.MANIFEST_ACCEPT);
    }

    @Override
    public Step step() {
        return Step.RESOLVE;
    }

    @Override
    public Digest digest() {
        return pinned();
    }

    @Override
    public String describe() {
        return "fetching the manifest of " + ref;
    }

    @Override
    public ManifestDocument handle(RegistryResponse response) throws PullException {
        Digest pinned = pinned();
        URI uri = response.uri();
        byte[] bytes;
        try (InputStream body = response.body()) {
            bytes = body.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (IOException e) {
            throw PullException.builder(Step.RESOLVE, PullException.CONNECTION, "reading manifest failed: " + e.getMessage())
                    .url(uri).digest(pinned).retryable(true).build(e);
        }
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw PullException.builder(Step.MANIFEST, PullException.INVALID_MANIFEST, "manifest larger than " + MAX_MANIFEST_BYTES + " bytes")
                    .url(uri).build();
        }
        // A connection closed early ends a Content-Length body without an error: that is a lost response, worth
        // asking again for, not wrong content (a full-length body with wrong bytes stays a DIGEST_MISMATCH below).
        long length = response.contentLength();
        if (length >= 0 && bytes.length < length) {
            throw PullException.builder(Step.RESOLVE, PullException.TRUNCATED, "manifest body ended after " + bytes.length
                    + " of " + length + " bytes").url(uri).digest(pinned).retryable(true).build();
        }
        Digest actual = Digest.of(bytes);
        Digest claimed = pinned;
        if (claimed == null) {
            claimed = response.header("Docker-Content-Digest").map(ManifestPuller::parseDigestOrNull).orElse(null);
        }
        if (claimed != null && !claimed.equals(actual)) {
            throw PullException.builder(Step.VERIFY, PullException.DIGEST_MISMATCH,
                    "manifest content has digest " + actual + ", expected " + claimed).url(uri).digest(claimed).build();
        }
        if (expected != null && expected.size() != bytes.length) {
            throw PullException.builder(Step.VERIFY, PullException.SIZE_MISMATCH,
                    "manifest has " + bytes.length + " bytes, descriptor says " + expected.size()).url(uri).digest(pinned).build();
        }
        String contentType = response.header("Content-Type").orElse(null);
        ManifestDocument document;
        try {
            document = ManifestDocument.parse(bytes, contentType);
        } catch (ManifestFormatException e) {
            throw PullException.builder(Step.MANIFEST, e.code(), e.getMessage()).url(uri).digest(actual).build(e);
        }
        if (expected != null && expected.mediaType() != null && !expected.mediaType().equals(document.mediaType())) {
            throw PullException.builder(Step.MANIFEST, PullException.MEDIATYPE_MISMATCH, "index entry says '" + expected.mediaType()
                    + "' but the manifest is '" + document.mediaType() + "'").url(uri).digest(actual).build();
        }
        return document;
    }

    private static Digest parseDigestOrNull(String text) {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
