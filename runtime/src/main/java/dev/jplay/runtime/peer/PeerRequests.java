package dev.jplay.runtime.peer;

import dev.jplay.runtime.image.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a peer's blob server accepts: {@code GET /blobs/sha256:<64 lowercase hex>} with
 * {@code Authorization: Bearer <the run's token>}. Nothing else of a request reaches the file system: the only
 * path a request can name is a validated {@link Digest}, which the content store maps to its own file.
 */
public final class PeerRequests {
    /** The one path shape served; anything else (dot-dot, slashes, query strings, upper case) is refused. */
    private static final Pattern BLOB_PATH = Pattern.compile("/blobs/sha256:([0-9a-f]{64})");

    private PeerRequests() {
    }

    /** The blob a request path names, or empty when the path is anything but {@code /blobs/sha256:<hex>}. */
    public static Optional<Digest> blobDigest(String path) {
        if (path == null || path.length() != "/blobs/sha256:".length() + 64) return Optional.empty();
        Matcher m = BLOB_PATH.matcher(path);
        return m.matches() ? Optional.of(new Digest(m.group(1))) : Optional.empty();
    }

    /** The request path for {@code digest}. */
    public static String blobPath(Digest digest) {
        return "/blobs/" + digest;
    }

    /**
     * Whether an {@code Authorization} header value carries {@code token}; compared in constant time, so a peer
     * cannot learn the token byte by byte from how fast it is refused.
     */
    public static boolean authorized(String authorization, byte[] token) {
        if (authorization == null || token == null || token.length == 0) return false;
        String prefix = "Bearer ";
        if (!authorization.regionMatches(true, 0, prefix, 0, prefix.length())) return false;
        byte[] given = authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, token);
    }
}
