package dev.jplay.runtime.registry;

import dev.jplay.runtime.image.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Bearer tokens by what they were issued for: the token service ({@code realm}, {@code service}), the {@code scope}
 * and who asked (a hash of the credentials, so an anonymous pull never gets a token issued to a user, and the
 * secret itself is not kept in a key). A token is used until a little before its {@code expires_in} runs out.
 */
final class BearerTokenCache {
    /** The token lifetime when the token service gives none (the distribution spec's default). */
    static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

    record Key(String realm, String service, String scope, String principal) {
        static Key of(String realm, String service, String scope, Optional<Credentials> credentials) {
            return new Key(realm, service == null ? "" : service, scope, credentials.map(BearerTokenCache::principal).orElse("anonymous"));
        }
    }

    private record Token(String value, Instant renewAt) {}

    private final Clock clock;
    private final ConcurrentMap<Key, Token> tokens = new ConcurrentHashMap<>();

    BearerTokenCache(Clock clock) {
        this.clock = clock;
    }

    Optional<String> get(Key key) {
        Token token = tokens.get(key);
        if (token == null) return Optional.empty();
        if (clock.instant().isBefore(token.renewAt())) return Optional.of(token.value());
        tokens.remove(key, token);
        return Optional.empty();
    }

    /** @param lifetime the token's {@code expires_in}, or null for {@link #DEFAULT_LIFETIME} */
    void put(Key key, String token, Duration lifetime) {
        Duration life = lifetime != null ? lifetime : DEFAULT_LIFETIME;
        // renew a little early so a token doesn't expire between check and use
        tokens.put(key, new Token(token, clock.instant().plus(life).minusSeconds(Math.min(10, life.toSeconds() / 2))));
    }

    private static String principal(Credentials credentials) {
        return Digest.of((credentials.username() + '\0' + credentials.password()).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
