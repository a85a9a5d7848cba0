package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Answers registries' {@code WWW-Authenticate} challenges and remembers the answers, for every pull of one agent
 * (share one instance between {@link RegistryClient}s): {@code Basic} with the registry's credentials, or
 * {@code Bearer} with a token from the challenge's realm (fetched with those credentials, if any). Tokens are kept
 * in a {@link BearerTokenCache} by realm, service, scope and credentials until they expire, and each registry
 * host's last bearer challenge is remembered, so a later pull of the same repository sends a still-valid token
 * straight away instead of first collecting a 401.
 */
public final class RegistryAuthenticator {
    private final BearerTokenCache tokens;
    /** api host → its bearer challenge: which realm and service issue its tokens. */
    private final ConcurrentMap<String, AuthChallenge> bearerHosts = new ConcurrentHashMap<>();
    private final Set<String> basicHosts = ConcurrentHashMap.newKeySet();

    public RegistryAuthenticator() {
        this(Clock.systemUTC());
    }

    /** @param clock when tokens expire (tests move it) */
    public RegistryAuthenticator(Clock clock) {
        this.tokens = new BearerTokenCache(clock);
    }

    static String pullScope(ImageReference ref) {
        return "repository:" + ref.repository() + ":pull";
    }

    /** The Authorization header for a request to {@code ref}'s registry, if a challenge was answered before. */
    Optional<String> authorization(ImageReference ref, Optional<Credentials> credentials) {
        AuthChallenge bearer = bearerHosts.get(ref.apiHost());
        if (bearer != null) {
            Optional<String> token = tokens.get(tokenKey(bearer, ref, credentials));
            if (token.isPresent()) return Optional.of("Bearer " + token.get());
        }
        if (basicHosts.contains(ref.apiHost())) return credentials.map(Credentials::basicHeader);
        return Optional.empty();
    }

    /** Answers a 401's challenge so that {@link #authorization} has a header for the retried request. */
    void authenticate(ImageReference ref, String header, URI uri, Optional<Credentials> credentials, RegistryEndpointCaller transport)
            throws PullException {
        AuthChallenge challenge = AuthChallenge.parse(header).orElseThrow(() -> PullException.builder(Step.AUTH,
                PullException.UNAUTHORIZED, "401 without a WWW-Authenticate challenge").url(uri).httpStatus(401).build());
        switch (challenge.scheme()) {
            case "basic" -> {
                if (credentials.isEmpty()) {
                    throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "registry " + ref.registry()
                            + " requires basic auth and no credentials are configured for it").url(uri).httpStatus(401).build();
                }
                basicHosts.add(ref.apiHost());
            }
            case "bearer" -> {
                String realm = challenge.param("realm");
                if (realm == null) {
                    throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "bearer challenge without realm").url(uri).httpStatus(401).build();
                }
                String scope = challenge.param("scope") != null ? challenge.param("scope") : pullScope(ref);
                fetchToken(challenge, tokenKey(challenge, ref, credentials), scope, credentials, transport);
                bearerHosts.put(ref.apiHost(), challenge);
            }
            default -> throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "unsupported auth scheme '"
                    + challenge.scheme() + "'").url(uri).httpStatus(401).build();
        }
    }

    /** Cached under the repository's pull scope: what {@link #authorization} looks up for the next request. */
    private static BearerTokenCache.Key tokenKey(AuthChallenge challenge, ImageReference ref, Optional<Credentials> credentials) {
        return BearerTokenCache.Key.of(challenge.param("realm"), challenge.param("service"), pullScope(ref), credentials);
    }

    private void fetchToken(AuthChallenge challenge, BearerTokenCache.Key key, String scope, Optional<Credentials> credentials,
            RegistryEndpointCaller transport) throws PullException {
        String realm = challenge.param("realm");
        StringBuilder query = new StringBuilder();
        if (challenge.param("service") != null) query.append("service=").append(encode(challenge.param("service")));
        query.append(query.length() > 0 ? "&" : "").append("scope=").append(encode(scope));
        URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        if (!"https".equals(uri.getScheme()) && !transport.isInsecure(uri.getRawAuthority())) {
            throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "token realm " + realm
                    + " is not https (name its host insecure to allow it)").url(uri).build();
        }
        Map<String, String> headers = credentials.map(c -> Map.of("Authorization", c.basicHeader())).orElse(Map.of());
        RegistryResponse response = transport.exchange("GET", uri, headers, Step.AUTH, null);
        try (InputStream body = response.body()) {
            if (response.status() != 200) {
                String code = response.status() == 401 || response.status() == 403
                        ? PullException.UNAUTHORIZED : PullException.httpCode(response.status());
                throw PullException.builder(Step.AUTH, code, "token request refused: " + RegistryErrors.errorText(body))
                        .url(uri).httpStatus(response.status()).retryable(response.status() >= 500).build();
            }
            byte[] bytes = body.readNBytes(1024 * 1024);
            Map<String, Object> json = bytes.length == 0 ? Map.of() : Json.parseObject(bytes);
            String token = Json.string(json, "token") != null ? Json.string(json, "token") : Json.string(json, "access_token");
            if (token == null || token.isEmpty()) {
                throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "token response without token").url(uri).build();
            }
            Duration lifetime = json.get("expires_in") instanceof Number seconds ? Duration.ofSeconds(seconds.longValue()) : null;
            tokens.put(key, token, lifetime);
        } catch (IllegalArgumentException e) {
            throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "malformed token response: " + e.getMessage())
                    .url(uri).build(e);
        } catch (IOException e) {
            throw PullException.builder(Step.AUTH, PullException.CONNECTION, "reading token response failed: "
                    + RegistryErrors.describe(e)).url(uri).retryable(true).build(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
