package dev.jplay.engine.fleet;

import java.util.Map;

/** Reads a host's placement settings from its variables. */
public final class PlacementHosts {
    /** Relative share of the replicas on a host (default 1; 0 = none). */
    public static final String WEIGHT = "jplay_weight";
    /** At most this many instances of one app on a host. */
    public static final String MAX_INSTANCES = "jplay_max_instances";

    private PlacementHosts() {}

    public static PlacementHost fromVars(String host, Map<String, ?> vars) {
        double weight = number(host, WEIGHT, vars.get(WEIGHT), 1);
        double max = number(host, MAX_INSTANCES, vars.get(MAX_INSTANCES), -1);
        if (max >= 0 && max != Math.floor(max)) throw new PlacementException("host " + host + ": " + MAX_INSTANCES + " must be a whole number, got " + max);
        return new PlacementHost(host, weight, max < 0 ? PlacementHost.UNLIMITED : (long) max);
    }

    private static double number(String host, String name, Object value, double absent) {
        if (value == null) return absent;
        if (value instanceof Number n) {
            if (n.doubleValue() < 0) throw new PlacementException("host " + host + ": " + name + " must be >= 0, got " + value);
            return n.doubleValue();
        }
        try {
            double d = Double.parseDouble(value.toString().trim());
            if (d < 0 || Double.isNaN(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new PlacementException("host " + host + ": " + name + " must be a number >= 0, got '" + value + "'");
        }
    }
}
