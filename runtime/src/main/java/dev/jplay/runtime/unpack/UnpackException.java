package dev.jplay.runtime.unpack;

import java.io.IOException;

/** A layer could not be unpacked safely; the message names the layer directory and the tar entry. */
public class UnpackException extends IOException {
    public UnpackException(String message) {
        super(message);
    }

    public UnpackException(String message, Throwable cause) {
        super(message, cause);
    }
}
