package dev.jplay.engine.fleet;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code replicas:} keyword of a play: run {@code count} instances of {@code app} over the play's hosts.
 *
 * <pre>
 * - hosts: web
 *   replicas:
 *     app: web           # required; instances are web-0 .. web-(count-1); state in .jplay/state/web.json
 *     count: 100         # required, >= 0
 *     pool: web          # optional; a pool of jplay_ip_pools the instances get addresses from
 *     max_per_host: 20   # optional; at most this many instances of the app on one host
 * </pre>
 *
 * Host variables refine the spread: {@code jplay_weight} (default 1; 0 = none here) and
 * {@code jplay_max_instances} (a per-host cap).
 *
 * @param pool null when the instances need no address
 * @param maxPerHost {@link PlacementHost#UNLIMITED} when absent
 */
public record ReplicaSpec(String app, int count, String pool, long maxPerHost) {
    public static final String KEYWORD = "replicas";
    /** A guard against typos: ten million instances. */
    public static final int MAX_COUNT = 10_000_000;
    private static final Set<String> KEYS = Set.of("app", "count", "pool", "max_per_host");

    public ReplicaSpec {
        if (app == null || !FleetStateStore.APP_NAME.matcher(app).matches()) {
            throw new PlacementException("replicas: app '" + app + "' must be 1-63 letters, digits, '.', '_' or '-'");
        }
        if (count < 0) throw new PlacementException("replicas of '" + app + "': count must be >= 0, got " + count);
        if (maxPerHost < 0) throw new PlacementException("replicas of '" + app + "': max_per_host must be >= 0, got " + maxPerHost);
    }

    /** The spec of a play, read from the play's raw mapping; empty when the play has no {@code replicas:}. */
    public static Optional<ReplicaSpec> fromPlayMap(Map<String, ?> play) {
        Object value = play.get(KEYWORD);
        if (value == null) return Optional.empty();
        if (!(value instanceof Map<?, ?> map)) {
            throw new PlacementException("replicas: must be a mapping such as {app: web, count: 3}, got '" + value + "'");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) throw new PlacementException("replicas: unknown key '" + key + "' (known: app, count, pool, max_per_host)");
        }
        Object app = map.get("app");
        if (!(app instanceof String appName)) throw new PlacementException("replicas: 'app' is required (a name such as web)");
        long count = integer(appName, "count", map.get("count"), true);
        if (count > MAX_COUNT) throw new PlacementException("replicas of '" + appName + "': count " + count + " is above the limit " + MAX_COUNT);
        Object pool = map.get("pool");
        if (pool != null && !(pool instanceof String)) throw new PlacementException("replicas of '" + appName + "': pool must be a pool name");
        long max = map.containsKey("max_per_host") ? integer(appName, "max_per_host", map.get("max_per_host"), true) : PlacementHost.UNLIMITED;
        return Optional.of(new ReplicaSpec(appName, (int) count, (String) pool, max));
    }

    private static long integer(String app, String key, Object value, boolean required) {
        if (value instanceof Integer || value instanceof Long) return ((Number) value).longValue();
        if (value instanceof String s && s.trim().matches("\\d{1,10}")) return Long.parseLong(s.trim());
        if (value == null && !required) return -1;
        throw new PlacementException("replicas of '" + app + "': '" + key + "' must be a whole number, got " + (value == null ? "nothing" : "'" + value + "'"));
    }
}
