package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * The one place that speaks HTTP to registries (the part of Jib's {@code RegistryEndpointCaller}): sends a
 * {@link RegistryEndpoint}'s request over the JDK's {@link HttpURLConnection} with the connect and read timeouts,
 * answers a 401 through the shared {@link RegistryAuthenticator}, follows redirects by hand, turns error statuses into
 * {@link PullException}s and tries again as a {@link Retry} says.
 *
 * <p>Redirects are followed here, not by the connection, so that the {@code Authorization} header is only ever sent to
 * the registry's own host: blob downloads that redirect to a storage host go there without credentials
 * (CVE-2020-15157 class), and an https→http downgrade is refused.
 */
final class RegistryEndpointCaller {
    private static final int MAX_REDIRECTS = 5;

    private final SSLSocketFactory tls; // null: the JDK's default trust, initialised on the first https request
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final String userAgent;
    private final Set<String> insecureHosts;
    private final CredentialProvider credentials;
    private final RegistryAuthenticator authenticator;

    RegistryEndpointCaller(SSLSocketFactory tls, Duration connectTimeout, Duration requestTimeout, String userAgent,
            Set<String> insecureHosts, CredentialProvider credentials, RegistryAuthenticator authenticator) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.userAgent = userAgent;
        this.insecureHosts = Set.copyOf(insecureHosts);
        this.credentials = credentials;
        this.authenticator = authenticator;
    }

    /** The API base of a registry, e.g. {@code https://host:5000/v2/}. */
    URI baseUri(ImageReference ref) {
        String host = ref.apiHost();
        return URI.create((insecureHosts.contains(host) || insecureHosts.contains(ref.registry()) ? "http" : "https")
                + "://" + host + "/v2/");
    }

    boolean isInsecure(String authority) {
        return insecureHosts.contains(authority);
    }

    /** Sends {@code endpoint}'s request, tried again on retryable failures as {@code retry} says. */
    <T> T call(ImageReference ref, RegistryEndpoint<T> endpoint, Retry retry) throws PullException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call(ref, endpoint);
            } catch (PullException e) {
                retry.afterFailure(attempt, e, endpoint.describe());
            }
        }
    }

    /** One try: auth and redirects included, no retry. */
    <T> T call(ImageReference ref, RegistryEndpoint<T> endpoint) throws PullException {
        RegistryResponse response = send(ref, endpoint);
        if (response.status() < 200 || response.status() >= 300) {
            RegistryErrors.check(response, endpoint.step(), endpoint.digest()); // closes the body
        }
        return endpoint.handle(response);
    }

    private RegistryResponse send(ImageReference ref, RegistryEndpoint<?> endpoint) throws PullException {
        Step step = endpoint.step();
        Digest digest = endpoint.digest();
        URI uri = endpoint.uri(baseUri(ref));
        Optional<Credentials> creds = credentials.credentialsFor(ref.registry());
        String origin = uri.getRawAuthority();
        boolean atOrigin = true;
        boolean authenticated = false;
        URI current = uri;
        for (int redirects = 0; ; ) {
            Map<String, String> request = new LinkedHashMap<>(endpoint.headers());
            if (atOrigin) authenticator.authorization(ref, creds).ifPresent(value -> request.put("Authorization", value));
            RegistryResponse response = exchange(endpoint.method(), current, request, step, digest);
            int status = response.status();
            if (status == 401 && atOrigin && !authenticated) {
                String challenge = response.header("WWW-Authenticate").orElse(null);
                response.discard();
                authenticator.authenticate(ref, challenge, current, creds, this);
                authenticated = true;
                continue;
            }
            if (response.isRedirect()) {
                response.discard();
                String location = response.header("Location").orElseThrow(() -> PullException.builder(step,
                        PullException.httpCode(status), "redirect without Location").url(response.uri()).httpStatus(status).digest(digest).build());
                if (++redirects > MAX_REDIRECTS) {
                    throw PullException.builder(step, PullException.REDIRECT_REJECTED, "more than " + MAX_REDIRECTS + " redirects")
                            .url(current).httpStatus(status).digest(digest).build();
                }
                URI next = current.resolve(location);
                if ("https".equals(current.getScheme()) && !"https".equals(next.getScheme()) && !insecureHosts.contains(next.getRawAuthority())) {
                    throw PullException.builder(step, PullException.REDIRECT_REJECTED, "refusing redirect from https to " + next)
                            .url(current).httpStatus(status).digest(digest).build();
                }
                // Credentials belong to the registry: once we leave its host, we never send them again.
                atOrigin = atOrigin && origin.equalsIgnoreCase(next.getRawAuthority()) && current.getScheme().equals(next.getScheme());
                current = next;
                continue;
            }
            return response;
        }
    }

    /** One request, no redirects followed; the body of an error status is readable too. */
    RegistryResponse exchange(String method, URI uri, Map<String, String> headers, Step step, Digest digest) throws PullException {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            if (tls != null && connection instanceof HttpsURLConnection https) https.setSSLSocketFactory(tls);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
            connection.setRequestMethod(method);
            connection.setRequestProperty("User-Agent", userAgent);
            headers.forEach(connection::setRequestProperty);
            int status = connection.getResponseCode();
            InputStream body = "HEAD".equals(method) ? InputStream.nullInputStream()
                    : status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return new RegistryResponse(status, uri, connection, body != null ? body : InputStream.nullInputStream());
        } catch (IOException | IllegalArgumentException e) {
            throw PullException.builder(step, PullException.CONNECTION, method + " failed: " + RegistryErrors.describe(e))
                    .url(uri).digest(digest).retryable(true).build(e);
        }
    }
}
