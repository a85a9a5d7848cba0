package dev.jplay.runtime.store;

import dev.jplay.runtime.image.Digest;
import java.io.IOException;

/** Ingested bytes that are not what the descriptor promised: wrong digest, or more/fewer bytes than its size. */
public final class ContentMismatchException extends IOException {
    public enum Kind { DIGEST, SIZE }

    private final Kind kind;
    private final Digest expected;

    public ContentMismatchException(Kind kind, Digest expected, String message) {
        super(message);
        this.kind = kind;
        this.expected = expected;
    }

    public Kind kind() {
        return kind;
    }

    public Digest expected() {
        return expected;
    }
}
