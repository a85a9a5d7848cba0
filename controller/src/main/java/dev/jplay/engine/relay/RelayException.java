package dev.jplay.engine.relay;

import dev.jplay.protocol.Failure;

/** A relay that did not complete, located: the step (fetch on the controller, upload, verify on the host) and why. */
public final class RelayException extends Exception {
    private final transient Failure failure;

    RelayException(Failure failure, Throwable cause) {
        super(failure.message(), cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
