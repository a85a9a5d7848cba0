package dev.jplay.runtime.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerRequestsTest {
    static final String HEX = "a".repeat(63) + "b";
    static final byte[] TOKEN = "0123456789abcdef-token".getBytes(StandardCharsets.US_ASCII);

    @Test
    void onlyAValidatedSha256DigestIsABlobPath() {
        assertEquals(Optional.of(new Digest(HEX)), PeerRequests.blobDigest("/blobs/sha256:" + HEX));
        assertEquals("/blobs/sha256:" + HEX, PeerRequests.blobPath(new Digest(HEX)));
        for (String path : new String[] {
                "/blobs/sha256:" + HEX.toUpperCase(), // digests are lower case
                "/blobs/sha256:" + HEX + "/", "/blobs/sha256:" + HEX + "?x=1", "/blobs/sha256:" + HEX.substring(1),
                "/blobs/sha256:../../etc/passwd" + "a".repeat(44), "/blobs/../blobs/sha256:" + HEX,
                "/blobs/sha512:" + HEX, "/blobs/" + HEX, "//blobs/sha256:" + HEX.substring(1), "/blobs/sha256:%2e%2e" + HEX.substring(6),
                "/ingest/" + HEX + ".partial", "", null}) {
            assertEquals(Optional.empty(), PeerRequests.blobDigest(path), String.valueOf(path));
        }
    }

    @Test
    void onlyTheRunsBearerTokenIsAuthorized() {
        assertTrue(PeerRequests.authorized("Bearer 0123456789abcdef-token", TOKEN));
        assertTrue(PeerRequests.authorized("bearer 0123456789abcdef-token ", TOKEN));
        assertFalse(PeerRequests.authorized("Bearer 0123456789abcdef-tokeN", TOKEN));
        assertFalse(PeerRequests.authorized("Bearer 0123456789abcdef-toke", TOKEN));
        assertFalse(PeerRequests.authorized("Bearer 0123456789abcdef-token2", TOKEN));
        assertFalse(PeerRequests.authorized("Basic 0123456789abcdef-token", TOKEN));
        assertFalse(PeerRequests.authorized("Bearer ", TOKEN));
        assertFalse(PeerRequests.authorized(null, TOKEN));
        assertFalse(PeerRequests.authorized("Bearer ", new byte[0])); // a server without a token lets no one in
    }
}
