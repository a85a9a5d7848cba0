package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import java.net.URI;
import java.util.Map;

/**
 * One registry action, as data (the shape of Jib's {@code RegistryEndpointProvider}): what to send, how to read a
 * successful answer, and what it is, for error messages. It owns no HTTP: {@link RegistryEndpointCaller} sends it,
 * follows redirects, authenticates, retries and turns error statuses into {@link PullException}s located at
 * {@link #step()} and {@link #digest()}.
 */
interface RegistryEndpoint<T> {
    String method();

    /** The request's URI below the registry's API base ({@code http[s]://host/v2/}). */
    URI uri(URI apiBase);

    /** Request headers (Accept, Range); the caller adds User-Agent and Authorization. */
    default Map<String, String> headers() {
        return Map.of();
    }

    /** The pull step a failure of this action belongs to. */
    Step step();

    /** The digest a failure of this action names, or null. */
    Digest digest();

    /** What the action does, e.g. "fetching the manifest of host/repo:tag", for error messages. */
    String describe();

    /** Reads a 2xx answer (redirects and auth already handled); owns the response body from here. */
    T handle(RegistryResponse response) throws PullException;
}
