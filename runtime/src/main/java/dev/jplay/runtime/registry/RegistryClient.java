package dev.jplay.runtime.registry;

import dev.jplay.runtime.json.Json;
import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.ManifestDocument;
import dev.jplay.runtime.image.ManifestFormatException;
import dev.jplay.runtime.image.MediaTypes;
import dev.jplay.runtime.registry.PullException.Step;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Client for the OCI distribution API (Docker Registry HTTP API v2), pull side, over the JDK's
 * {@link HttpURLConnection} (HTTP/1.1, keep-alive). Not {@code java.net.http.HttpClient}: a fresh agent JVM spends
 * ~170 ms of CPU loading and initialising it (and the default TLS context, even for plain http), against ~35 ms
 * here; a first run starts one agent per host.
 *
 * <p>Auth: anonymous first; on a 401 it answers the {@code WWW-Authenticate} challenge: {@code Basic} with the
 * registry's credentials, or {@code Bearer} by fetching a token from the challenge's realm (with those
 * credentials, if any). Tokens are cached per registry and scope until they expire.
 *
 * <p>Redirects are followed here, not by the connection, so that the {@code Authorization} header is only ever sent to
 * the registry's own host: blob downloads that redirect to a storage host go there without credentials
 * (CVE-2020-15157 class), and an https→http downgrade is refused.
 *
 * <p>Transport: https by default, trusting the JDK's CAs or, if given, only the CAs of one PEM file. Plain http is
 * used only for hosts named insecure by the caller; unlike Docker there is no implicit exception for localhost.
 */
public final class RegistryClient {
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private final SSLSocketFactory tls; // null: the JDK's default trust, initialised on the first https request
    private final Duration connectTimeout;
    private final CredentialProvider credentials;
    private final Set<String> insecureHosts;
    private final Duration requestTimeout;
    private final String userAgent;
    private final ConcurrentMap<String, Token> tokens = new ConcurrentHashMap<>();
    private final Set<String> basicHosts = ConcurrentHashMap.newKeySet();

    private record Token(String value, Instant expires) {}

    /** A blob body starting at {@code start} (0 when the registry ignored a Range request). */
    public record BlobResponse(InputStream body, long start, long length, URI uri) implements Closeable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /** A response: status, the URI it answered (after hand-followed redirects), headers and body. */
    private record Response(int status, URI uri, HttpURLConnection connection, InputStream body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(connection.getHeaderField(name));
        }

        long contentLength() {
            return connection.getContentLengthLong();
        }
    }

    private RegistryClient(Builder b) throws IOException {
        this.tls = b.caFile == null ? null : TlsTrust.trusting(b.caFile).getSocketFactory();
        this.connectTimeout = b.connectTimeout;
        this.credentials = b.credentials;
        this.insecureHosts = Set.copyOf(b.insecureHosts);
        this.requestTimeout = b.requestTimeout;
        this.userAgent = b.userAgent;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The API base of a registry, e.g. {@code https://host:5000/v2/}. */
    public URI baseUri(ImageReference ref) {
        String host = ref.apiHost();
        return URI.create((insecureHosts.contains(host) || insecureHosts.contains(ref.registry()) ? "http" : "https")
                + "://" + host + "/v2/");
    }

    private URI manifestUri(ImageReference ref, String reference) {
        return baseUri(ref).resolve(ref.repository() + "/manifests/" + reference);
    }

    private URI blobUri(ImageReference ref, Digest digest) {
        return baseUri(ref).resolve(ref.repository() + "/blobs/" + digest);
    }

    /** HEAD on the manifest: the digest the reference currently points at, if the registry says (it should). */
    public Optional<Digest> headManifest(ImageReference ref) throws PullException {
        URI uri = manifestUri(ref, ref.manifestReference());
        Response response = send(ref, uri, "HEAD", Map.of("Accept", MediaTypes.MANIFEST_ACCEPT), Step.RESOLVE, ref.digest());
        closeQuietly(response.body());
        check(response, Step.RESOLVE, ref.digest());
        Optional<String> header = response.header("Docker-Content-Digest");
        try {
            return header.map(Digest::parse);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // another algorithm: fall back to a GET
        }
    }

    /**
     * GETs a manifest or index. With {@code expected} (an index entry) or a digest-pinned reference the bytes
     * must hash to that digest; by tag they must match the registry's {@code Docker-Content-Digest}.
     */
    public ManifestDocument fetchManifest(ImageReference ref, Descriptor expected) throws PullException {
        Digest pinned = expected != null ? expected.digest() : ref.digest();
        String reference = pinned != null ? pinned.toString() : ref.tag();
        URI uri = manifestUri(ref, reference);
        Response response = send(ref, uri, "GET", Map.of("Accept", MediaTypes.MANIFEST_ACCEPT), Step.RESOLVE, pinned);
        byte[] bytes;
        try (InputStream body = response.body()) {
            check(response, Step.RESOLVE, pinned);
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
            claimed = response.header("Docker-Content-Digest").map(RegistryClient::parseDigestOrNull).orElse(null);
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

    /** Opens a blob download, from {@code offset} with a Range request when resuming. */
    public BlobResponse openBlob(ImageReference ref, Digest digest, long offset) throws PullException {
        URI uri = blobUri(ref, digest);
        Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        Response response = send(ref, uri, "GET", headers, Step.FETCH, digest);
        try {
            check(response, Step.FETCH, digest);
        } catch (PullException e) {
            closeQuietly(response.body());
            throw e;
        }
        long start = 0;
        if (response.status() == 206) {
            start = response.header("Content-Range").map(RegistryClient::rangeStart).orElse(-1L);
            if (start != offset) {
                closeQuietly(response.body());
                throw PullException.builder(Step.FETCH, PullException.httpCode(206), "registry answered Range bytes=" + offset
                        + "- with Content-Range starting at " + start).url(response.uri()).httpStatus(206).digest(digest).retryable(false).build();
            }
        }
        long length = response.contentLength();
        return new BlobResponse(response.body(), start, length, response.uri());
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

    private static Digest parseDigestOrNull(String text) {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- transport: auth and redirects

    private Response send(ImageReference ref, URI uri, String method, Map<String, String> headers, Step step, Digest digest)
            throws PullException {
        String origin = uri.getRawAuthority();
        boolean atOrigin = true;
        boolean authenticated = false;
        URI current = uri;
        for (int redirects = 0; ; ) {
            Map<String, String> request = new java.util.LinkedHashMap<>(headers);
            if (atOrigin) authorization(ref).ifPresent(value -> request.put("Authorization", value));
            Response response = exchange(method, current, request, step, digest);
            int status = response.status();
            if (status == 401 && atOrigin && !authenticated) {
                String challenge = response.header("WWW-Authenticate").orElse(null);
                closeQuietly(response.body());
                authenticate(ref, challenge, current);
                authenticated = true;
                continue;
            }
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                closeQuietly(response.body());
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
    private Response exchange(String method, URI uri, Map<String, String> headers, Step step, Digest digest) throws PullException {
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
            return new Response(status, uri, connection, body != null ? body : InputStream.nullInputStream());
        } catch (IOException | IllegalArgumentException e) {
            throw PullException.builder(step, PullException.CONNECTION, method + " failed: " + describe(e))
                    .url(uri).digest(digest).retryable(true).build(e);
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String pullScope(ImageReference ref) {
        return "repository:" + ref.repository() + ":pull";
    }

    private Optional<String> authorization(ImageReference ref) {
        Token token = tokens.get(ref.apiHost() + " " + pullScope(ref));
        if (token != null && Instant.now().isBefore(token.expires())) return Optional.of("Bearer " + token.value());
        if (basicHosts.contains(ref.apiHost())) return credentials.credentialsFor(ref.registry()).map(Credentials::basicHeader);
        return Optional.empty();
    }

    private void authenticate(ImageReference ref, String header, URI uri) throws PullException {
        AuthChallenge challenge = AuthChallenge.parse(header).orElseThrow(() -> PullException.builder(Step.AUTH,
                PullException.UNAUTHORIZED, "401 without a WWW-Authenticate challenge").url(uri).httpStatus(401).build());
        Optional<Credentials> creds = credentials.credentialsFor(ref.registry());
        switch (challenge.scheme()) {
            case "basic" -> {
                if (creds.isEmpty()) {
                    throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "registry " + ref.registry()
                            + " requires basic auth and no credentials are configured for it").url(uri).httpStatus(401).build();
                }
                basicHosts.add(ref.apiHost());
            }
            case "bearer" -> {
                String scope = challenge.param("scope") != null ? challenge.param("scope") : pullScope(ref);
                tokens.put(ref.apiHost() + " " + pullScope(ref), fetchToken(challenge, scope, creds, uri));
            }
            default -> throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "unsupported auth scheme '"
                    + challenge.scheme() + "'").url(uri).httpStatus(401).build();
        }
    }

    private Token fetchToken(AuthChallenge challenge, String scope, Optional<Credentials> creds, URI registryUri) throws PullException {
        String realm = challenge.param("realm");
        if (realm == null) {
            throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "bearer challenge without realm").url(registryUri).httpStatus(401).build();
        }
        StringBuilder query = new StringBuilder();
        if (challenge.param("service") != null) query.append("service=").append(encode(challenge.param("service")));
        query.append(query.length() > 0 ? "&" : "").append("scope=").append(encode(scope));
        URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        if (!"https".equals(uri.getScheme()) && !insecureHosts.contains(uri.getRawAuthority())) {
            throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "token realm " + realm
                    + " is not https (name its host insecure to allow it)").url(uri).build();
        }
        Map<String, String> headers = creds.map(c -> Map.of("Authorization", c.basicHeader())).orElse(Map.of());
        Response response = exchange("GET", uri, headers, Step.AUTH, null);
        try (InputStream body = response.body()) {
            if (response.status() != 200) {
                String code = response.status() == 401 || response.status() == 403
                        ? PullException.UNAUTHORIZED : PullException.httpCode(response.status());
                throw PullException.builder(Step.AUTH, code, "token request refused: " + errorText(body))
                        .url(uri).httpStatus(response.status()).retryable(response.status() >= 500).build();
            }
            byte[] bytes = body.readNBytes(1024 * 1024);
            Map<String, Object> json = bytes.length == 0 ? Map.of() : Json.parseObject(bytes);
            String token = Json.string(json, "token") != null ? Json.string(json, "token") : Json.string(json, "access_token");
            if (token == null || token.isEmpty()) {
                throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "token response without token").url(uri).build();
            }
            Duration lifetime = json.get("expires_in") instanceof Number seconds
                    ? Duration.ofSeconds(seconds.longValue()) : DEFAULT_TOKEN_LIFETIME;
            // renew a little early so a token doesn't expire between check and use
            return new Token(token, Instant.now().plus(lifetime).minusSeconds(Math.min(10, lifetime.toSeconds() / 2)));
        } catch (IllegalArgumentException e) {
            throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "malformed token response: " + e.getMessage())
                    .url(uri).build(e);
        } catch (IOException e) {
            throw PullException.builder(Step.AUTH, PullException.CONNECTION, "reading token response failed: " + describe(e))
                    .url(uri).retryable(true).build(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void check(Response response, Step step, Digest digest) throws PullException {
        int status = response.status();
        if (status >= 200 && status < 300) return;
        String text = errorText(response.body());
        if (status == 401 || status == 403) {
            throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "access denied: " + text)
                    .url(response.uri()).httpStatus(status).digest(digest).build();
        }
        if (status == 404) {
            throw PullException.builder(step, PullException.NOT_FOUND, "not found: " + text)
                    .url(response.uri()).httpStatus(status).digest(digest).build();
        }
        throw PullException.builder(step, PullException.httpCode(status), "registry error: " + text)
                .url(response.uri()).httpStatus(status).digest(digest).retryable(status >= 500 || status == 429).build();
    }

    /** The registry's error JSON ({@code errors[].code/message}) as one line, or the raw start of the body. */
    private static String errorText(InputStream body) {
        try (body) {
            byte[] bytes = body.readNBytes(8192);
            if (bytes.length == 0) return "(empty body)";
            try {
                if (Json.parse(bytes) instanceof Map<?, ?> document && document.get("errors") instanceof List<?> errors
                        && !errors.isEmpty()) {
                    StringBuilder sb = new StringBuilder();
                    for (Object error : errors) {
                        if (sb.length() > 0) sb.append("; ");
                        Map<?, ?> e = error instanceof Map<?, ?> m ? m : Map.of();
                        sb.append(text(e.get("code"))).append(' ').append(text(e.get("message")));
                    }
                    return sb.toString();
                }
            } catch (IOException notJson) {
                // fall through to raw text
            }
            String raw = new String(bytes, StandardCharsets.UTF_8).strip();
            return raw.length() > 200 ? raw.substring(0, 200) + "…" : raw;
        } catch (IOException e) {
            return "(unreadable body: " + e.getMessage() + ")";
        }
    }

    /** A field of a registry error as text: absent or an object/array gives "" (as before). */
    private static String text(Object value) {
        return value == null || value instanceof Map || value instanceof List ? "" : String.valueOf(value);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the response is being discarded anyway
        }
    }

    public static final class Builder {
        private CredentialProvider credentials = CredentialProvider.anonymous();
        private Path caFile;
        private final Set<String> insecureHosts = new java.util.HashSet<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(5);
        private String userAgent = "jplay-agent/0.1";

        public Builder credentials(CredentialProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Trust only the CA certificates in this PEM file (instead of the JDK's). */
        public Builder caFile(Path pem) {
            this.caFile = pem;
            return this;
        }

        /** Talk plain http to this {@code host[:port]} (and allow an http token realm there). */
        public Builder insecure(String hostAndPort) {
            insecureHosts.add(hostAndPort);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Time to the response headers of one request (a blob body may stream for longer). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public RegistryClient build() throws IOException {
            return new RegistryClient(this);
        }
    }
}
