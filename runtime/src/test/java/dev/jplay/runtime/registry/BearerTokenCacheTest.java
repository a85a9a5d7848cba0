package dev.jplay.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerTokenCacheTest {
    private static final String REALM = "https://auth.example/token";
    private static final Optional<Credentials> ALICE = Optional.of(new Credentials("alice", "s3cret"));

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private final BearerTokenCache cache = new BearerTokenCache(clock);

    private static BearerTokenCache.Key key(String scope, Optional<Credentials> credentials) {
        return BearerTokenCache.Key.of(REALM, "registry.example", scope, credentials);
    }

    @Test
    void aTokenIsReusedWithinItsLifetimeAndDroppedShortlyBeforeItEnds() {
        BearerTokenCache.Key app = key("repository:team/app:pull", ALICE);
        cache.put(app, "t1", Duration.ofSeconds(300));
        assertEquals(Optional.of("t1"), cache.get(app));
        clock.advance(Duration.ofSeconds(289));
        assertEquals(Optional.of("t1"), cache.get(app), "still 11 s left");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), cache.get(app), "renewed 10 s before expires_in runs out");
        cache.put(app, "t2", Duration.ofSeconds(300));
        assertEquals(Optional.of("t2"), cache.get(app), "the refreshed token replaces it");
    }

    @Test
    void withoutExpiresInATokenLivesTheSpecDefaultAndAShortOneIsRenewedAtHalfItsLife() {
        BearerTokenCache.Key app = key("repository:team/app:pull", ALICE);
        cache.put(app, "default", null);
        clock.advance(BearerTokenCache.DEFAULT_LIFETIME.minusSeconds(11));
        assertEquals(Optional.of("default"), cache.get(app));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), cache.get(app));

        cache.put(app, "short", Duration.ofSeconds(6));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Optional.of("short"), cache.get(app));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), cache.get(app), "a 6 s token is renewed after 3 s, not kept to its last second");
    }

    @Test
    void tokensAreKeptPerScopeServiceRealmAndCredentials() {
        cache.put(key("repository:team/app:pull", ALICE), "app", Duration.ofSeconds(300));
        assertEquals(Optional.empty(), cache.get(key("repository:team/other:pull", ALICE)), "another scope");
        assertEquals(Optional.empty(), cache.get(key("repository:team/app:pull", Optional.empty())), "an anonymous pull");
        assertEquals(Optional.empty(), cache.get(key("repository:team/app:pull", Optional.of(new Credentials("alice", "other")))),
                "other credentials of the same user");
        assertEquals(Optional.empty(), cache.get(BearerTokenCache.Key.of(REALM, "other-service", "repository:team/app:pull", ALICE)));
        assertEquals(Optional.empty(), cache.get(BearerTokenCache.Key.of("https://other/token", "registry.example",
                "repository:team/app:pull", ALICE)));
        assertEquals(Optional.of("app"), cache.get(key("repository:team/app:pull", ALICE)));
    }

    @Test
    void aKeyHoldsAHashOfTheCredentialsNotTheSecret() {
        BearerTokenCache.Key key = key("repository:team/app:pull", ALICE);
        assertFalse(key.toString().contains("s3cret"), key::toString);
        assertNotEquals(key.principal(), key("repository:team/app:pull", Optional.empty()).principal());
    }
}
