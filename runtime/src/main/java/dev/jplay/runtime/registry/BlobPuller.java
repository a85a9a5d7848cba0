package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/** Opens a blob download, from {@code offset} with a Range request when resuming. */
record BlobPuller(ImageReference ref, Digest digest, long offset) implements RegistryEndpoint<BlobPuller.Body> {

    /** A blob body starting at {@code start} (0 when the registry ignored a Range request). */
    record Body(InputStream stream, long start, long length, URI uri) implements Closeable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public URI uri(URI apiBase) {
        return apiBase.resolve(ref.repository() + "/blobs/" + digest);
    }

    @Override
    public Map<String, String> headers() {
        return offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
    }

    @Override
    public Step step() {
        return Step.FETCH;
    }

    @Override
    public String describe() {
        return "fetching blob " + digest;
    }

    @Override
    public Body handle(RegistryResponse response) throws PullException {
        long start = 0;
        if (response.status() == 206) {
            start = response.header("Content-Range").map(BlobPuller::rangeStart).orElse(-1L);
            if (start != offset) {
                response.discard();
                throw PullException.builder(Step.FETCH, PullException.httpCode(206), "registry answered Range bytes=" + offset
                        + "- with Content-Range starting at " + start).url(response.uri()).httpStatus(206).digest(digest).retryable(false).build();
            }
        }
        return new Body(response.body(), start, response.contentLength(), response.uri());
    }

    private static long rangeStart(String contentRange) {
        // bytes 100-199/200
        try {
            String spec = contentRange.trim().substring("bytes ".length());
            return Long.parseLong(spec.substring(0, spec.indexOf('-')));
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
