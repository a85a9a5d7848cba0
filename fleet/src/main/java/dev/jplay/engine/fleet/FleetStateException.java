package dev.jplay.engine.fleet;

/** A fleet state file that cannot be read or written. */
public final class FleetStateException extends RuntimeException {
    public FleetStateException(String message, Throwable cause) {
        super(message, cause);
    }

    public FleetStateException(String message) {
        super(message);
    }
}
