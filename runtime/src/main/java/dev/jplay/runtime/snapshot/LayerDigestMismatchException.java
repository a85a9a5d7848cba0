package dev.jplay.runtime.snapshot;

import java.io.IOException;

/** A layer blob unpacked to a tar whose digest is not the diff_id the image config promised. */
public final class LayerDigestMismatchException extends IOException {
    private final String expected;
    private final String actual;

    public LayerDigestMismatchException(String expected, String actual) {
        super("layer content has diff_id " + actual + ", expected " + expected);
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
