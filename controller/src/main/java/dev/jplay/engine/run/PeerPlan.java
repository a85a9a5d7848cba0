package dev.jplay.engine.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Who a host takes an image's blobs from, by its place among the hosts that pulled the image in this run (in the
 * order they asked): a tree of fan-out {@link #FANOUT}, the first host at its root taking the blobs from the
 * registry, every other host from its parent, then its parent's parent as a fallback, then the registry. A host
 * follows its source's ingest while it arrives, so the tree's depth (log3 of the hosts: 3 for 27) adds little to
 * one pull's time, and each host sends each layer to at most three others (its uplink is not the bottleneck the
 * registry's was). Later batches of a rollout hang below the hosts that have the image already.
 */
final class PeerPlan {
    static final int FANOUT = 3;
    /** Ancestors tried before the registry: enough to route around one bad or slow host. */
    static final int MAX_SOURCES = 2;

    private PeerPlan() {
    }

    /** The places of the hosts that the host at {@code place} takes blobs from, nearest first (none for the root). */
    static List<Integer> sourcesOf(int place) {
        if (place < 0) throw new IllegalArgumentException("place must be >= 0, got " + place);
        List<Integer> sources = new ArrayList<>();
        for (int at = place; at > 0 && sources.size() < MAX_SOURCES; ) {
            at = (at - 1) / FANOUT;
            sources.add(at);
        }
        return sources;
    }
}
