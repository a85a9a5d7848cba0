package dev.jplay.runtime.image;

/** A manifest or index document that cannot be trusted: bad JSON, a wrong shape, or a media type that disagrees. */
public final class ManifestFormatException extends Exception {
    public static final String MEDIATYPE_MISMATCH = "MEDIATYPE_MISMATCH";
    public static final String INVALID_MANIFEST = "INVALID_MANIFEST";

    private final String code;

    public ManifestFormatException(String code, String message) {
        super(message);
        this.code = code;
    }

    public ManifestFormatException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** {@link #MEDIATYPE_MISMATCH} or {@link #INVALID_MANIFEST}. */
    public String code() {
        return code;
    }
}
