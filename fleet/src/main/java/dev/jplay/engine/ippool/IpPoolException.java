package dev.jplay.engine.ippool;

/** A bad pool declaration, or a pool that cannot serve a plan (exhausted, overlapping). Raised before any host is touched. */
public final class IpPoolException extends RuntimeException {
    public IpPoolException(String message) {
        super(message);
    }
}
