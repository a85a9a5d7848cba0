package dev.jplay.runtime.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Optional;

/** A response: status, the URI it answered (after hand-followed redirects), headers and body. */
record RegistryResponse(int status, URI uri, HttpURLConnection connection, InputStream body) {
    Optional<String> header(String name) {
        return Optional.ofNullable(connection.getHeaderField(name));
    }

    long contentLength() {
        return connection.getContentLengthLong();
    }

    boolean isRedirect() {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    void discard() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the response is being discarded anyway
        }
    }
}
