package dev.jplay.runtime.unpack;

/** A layer exceeded one of the {@link UnpackLimits} (a decompression bomb or a hostile tar). */
public final class UnpackLimitException extends UnpackException {
    public UnpackLimitException(String message) {
        super(message);
    }
}
