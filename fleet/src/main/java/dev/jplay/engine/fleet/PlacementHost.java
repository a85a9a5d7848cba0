package dev.jplay.engine.fleet;

/**
 * A host replicas may be placed on.
 *
 * @param weight relative share of the replicas (1 by default; 0 places none)
 * @param capacity at most this many replicas of the app on the host ({@link #UNLIMITED} by default)
 */
public record PlacementHost(String name, double weight, long capacity) {
    public static final long UNLIMITED = Long.MAX_VALUE;

    public PlacementHost {
        if (!(weight >= 0) || Double.isInfinite(weight)) throw new PlacementException("host " + name + ": weight must be a number >= 0, got " + weight);
        if (capacity < 0) throw new PlacementException("host " + name + ": capacity must be >= 0, got " + capacity);
    }

    public static PlacementHost of(String name) {
        return new PlacementHost(name, 1, UNLIMITED);
    }
}
