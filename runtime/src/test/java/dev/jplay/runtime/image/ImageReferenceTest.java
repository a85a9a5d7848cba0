package dev.jplay.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    private static final String HEX = "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
        "nginx,                          docker.io,        library/nginx,      latest",
        "nginx:1.25,                     docker.io,        library/nginx,      1.25",
        "user/app:v1,                    docker.io,        user/app,           v1",
        "index.docker.io/user/app,       docker.io,        user/app,           latest",
        "localhost/app,                  localhost,        app,                latest",
        "localhost:5000/team/app:1.0-rc, localhost:5000,   team/app,           1.0-rc",
        "127.0.0.1:5000/a/b/c:t,         127.0.0.1:5000,   a/b/c,              t",
        "ghcr.io/org/img_name__x:Tag.1,  ghcr.io,          org/img_name__x,    Tag.1",
        "[::1]:5000/app,                 '[::1]:5000',     app,                latest",
    })
    void parsesAndNormalizes(String text, String registry, String repository, String tag) {
        ImageReference ref = ImageReference.parse(text);
        assertEquals(registry, ref.registry());
        assertEquals(repository, ref.repository());
        assertEquals(tag, ref.tag());
        assertNull(ref.digest());
    }

    @Test
    void digestOnlyHasNoTagAndUsesTheDigestAsManifestReference() {
        ImageReference ref = ImageReference.parse("host:5000/app@sha256:" + HEX);
        assertNull(ref.tag());
        assertEquals("sha256:" + HEX, ref.manifestReference());
        assertEquals("host:5000/app@sha256:" + HEX, ref.toString());
    }

    @Test
    void tagAndDigestKeepBoth() {
        ImageReference ref = ImageReference.parse("app:v1@sha256:" + HEX);
        assertEquals("v1", ref.tag());
        assertEquals(new Digest(HEX), ref.digest());
        assertEquals("docker.io/library/app:v1@sha256:" + HEX, ref.toString());
        assertEquals("registry-1.docker.io", ref.apiHost());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " nginx", "Nginx", "app:", "app:-bad", "/app", "app//x", "host:5000/", "app@sha256:abc",
        "app@md5:" + "a", "app:tag:extra/x", "a-/b"})
    void rejectsInvalidReferencesWithTheReason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(text));
        assertTrue(e.getMessage().startsWith("invalid image reference '" + text + "'"), e.getMessage());
    }

    @Test
    void uppercaseRepositoryIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("host/Team/app"));
        assertTrue(e.getMessage().contains("must be lowercase"), e.getMessage());
    }

    @Test
    void digestValidatesAlgorithmAndHex() {
        assertEquals(HEX, Digest.parse("sha256:" + HEX).hex());
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha512:" + HEX));
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:" + HEX.toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:" + HEX.substring(1)));
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digest.of(new byte[0]).toString());
    }

    @Test
    void platformMatching() {
        Platform arm64 = Platform.parse("linux/arm64");
        assertTrue(arm64.accepts(Platform.parse("linux/arm64/v8")));
        assertTrue(Platform.parse("linux/arm64/v8").accepts(new Platform("linux", "arm64", null)));
        assertEquals(false, Platform.parse("linux/arm/v7").accepts(Platform.parse("linux/arm/v6")));
        assertEquals(false, arm64.accepts(Platform.parse("linux/amd64")));
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux"));
    }
}
