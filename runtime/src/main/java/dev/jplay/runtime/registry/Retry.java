package dev.jplay.runtime.registry;

import java.time.Duration;

/**
 * How often a failed request is tried again: up to {@code maxAttempts} tries for retryable failures (5xx,
 * connection errors, truncated bodies), with exponential backoff from {@code initialBackoff} up to
 * {@code maxBackoff}. {@code stall} may turn a read timeout into a final failure first (a pull whose connections
 * all went silent is stuck, and another try would only wait as long again).
 */
record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Stall stall) {

    /** Decides whether a failure means the whole pull is stuck: the failure to end with, or null to go on. */
    @FunctionalInterface
    interface Stall {
        PullException stalled(PullException failure, String doing);
    }

    Retry {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        if (stall == null) stall = (failure, doing) -> null;
    }

    static Retry of(PullOptions options, Stall stall) {
        return new Retry(options.maxAttempts(), options.initialBackoff(), options.maxBackoff(), stall);
    }

    /**
     * After the {@code attempt}-th try failed with {@code failure}, doing {@code doing}: throws if that is final
     * (stalled, not retryable, or out of attempts), else waits the backoff so the caller may try again.
     */
    void afterFailure(int attempt, PullException failure, String doing) throws PullException {
        PullException stalled = stall.stalled(failure, doing);
        if (stalled != null) throw stalled;
        if (!failure.retryable() || attempt >= maxAttempts) throw failure;
        try {
            Thread.sleep(backoff(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
