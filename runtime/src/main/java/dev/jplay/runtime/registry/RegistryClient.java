package dev.jplay.runtime.registry;

import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.ManifestDocument;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Client for the OCI distribution API (Docker Registry HTTP API v2), pull side, laid out like Jib's registry package:
 * each action is a small immutable {@link RegistryEndpoint} ({@link ManifestChecker}, {@link ManifestPuller},
 * {@link BlobPuller}) that describes itself for error messages; one {@link RegistryEndpointCaller} owns HTTP
 * (transport, timeouts, redirects, error statuses, retries); one {@link RegistryAuthenticator}, which callers may
 * share across clients, answers auth challenges and caches tokens.
 *
 * <p>HTTP is the JDK's {@link HttpURLConnection} (HTTP/1.1, keep-alive). Not {@code java.net.http.HttpClient}: a fresh
 * agent JVM spends ~170 ms of CPU loading and initialising it (and the default TLS context, even for plain http),
 * against ~35 ms here; a first run starts one agent per host.
 *
 * <p>Transport: https by default, trusting the JDK's CAs or, if given, only the CAs of one PEM file. Plain http is
 * used only for hosts named insecure by the caller; unlike Docker there is no implicit exception for localhost.
 */
public final class RegistryClient {
    private final RegistryEndpointCaller caller;

    private RegistryClient(Builder b) throws IOException {
        this.caller = new RegistryEndpointCaller(b.caFile == null ? null : TlsTrust.trusting(b.caFile).getSocketFactory(),
                b.connectTimeout, b.requestTimeout, b.userAgent, b.insecureHosts, b.credentials,
                b.authenticator != null ? b.authenticator : new RegistryAuthenticator());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The API base of a registry, e.g. {@code https://host:5000/v2/}. */
    public URI baseUri(ImageReference ref) {
        return caller.baseUri(ref);
    }

    /** HEAD on the manifest: the digest the reference currently points at, if the registry says (it should). */
    Optional<Digest> headManifest(ImageReference ref, Retry retry) throws PullException {
        return caller.call(ref, new ManifestChecker(ref), retry);
    }

    /**
     * GETs a manifest or index of {@code ref}'s repository: {@code expected}'s (an index entry), else the
     * {@code resolved} one, else the reference's own digest or tag; see {@link ManifestPuller} for the checks.
     */
    ManifestDocument fetchManifest(ImageReference ref, Digest resolved, Descriptor expected, Retry retry) throws PullException {
        return caller.call(ref, new ManifestPuller(ref, resolved, expected), retry);
    }

    /** Opens a blob download (one try: a retry resumes from wherever the caller's copy got to). */
    BlobPuller.Body openBlob(ImageReference ref, Digest digest, long offset) throws PullException {
        return caller.call(ref, new BlobPuller(ref, digest, offset));
    }

    public static final class Builder {
        private CredentialProvider credentials = CredentialProvider.anonymous();
        private RegistryAuthenticator authenticator;
        private Path caFile;
        private final Set<String> insecureHosts = new HashSet<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(5);
        private String userAgent = "jplay-agent/0.1";

        public Builder credentials(CredentialProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Answer auth challenges with this (shared) authenticator, so its tokens serve other clients' pulls too. */
        public Builder authenticator(RegistryAuthenticator authenticator) {
            this.authenticator = authenticator;
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
