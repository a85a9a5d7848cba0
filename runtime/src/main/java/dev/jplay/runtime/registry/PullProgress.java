package dev.jplay.runtime.registry;

import dev.jplay.runtime.image.Digest;

/**
 * Told what a pull receives, for a caller that reports what it is doing (the agent's activity record). Called
 * from the pull's download threads, after every buffer: keep it cheap.
 */
public interface PullProgress {
    /** {@code received} of {@code size} bytes of {@code blob} are in the store's ingest. */
    void received(Digest blob, long received, long size);

    /** {@code blob} is complete. (After a failure nothing is said: what it was doing stays the last word.) */
    void ended(Digest blob);
}
