package dev.jplay.engine.run;

import java.util.List;
import java.util.Optional;

/**
 * Asked before every batch of every play (a play without {@code serial} is one batch). A refusal ends the
 * run as interrupted before the batch touches any host; batches already done stay done.
 */
@FunctionalInterface
public interface BatchGate {
    BatchGate OPEN = (play, batch, batches, hosts) -> Optional.empty();

    /**
     * @param batch 1-based number of the batch about to start, of {@code batches} in this play
     * @return empty to start the batch, or why it must not start
     */
    Optional<String> refusal(String play, int batch, int batches, List<String> hosts);
}
