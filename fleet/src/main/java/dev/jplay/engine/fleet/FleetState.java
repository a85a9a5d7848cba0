package dev.jplay.engine.fleet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What jplay last deployed of one app: where each instance runs and which address it holds. Saved as
 * {@code .jplay/state/APP.json} by {@link FleetStateStore}; the next run keeps what it can of it.
 *
 * @param version the file format, {@link #VERSION}
 * @param pool the pool the addresses came from, or null when the app has none
 * @param hostBlocks per-host pools: the block (CIDR) each host holds
 * @param instances in index order
 */
public record FleetState(int version, String app, PoolRef pool, Map<String, String> hostBlocks, List<Instance> instances) {
    public static final int VERSION = 1;

    public FleetState {
        hostBlocks = hostBlocks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hostBlocks));
        instances = instances == null ? List.of() : List.copyOf(instances);
    }

    /** Which pool addresses were leased from; a lease is kept only while all three still match. */
    public record PoolRef(String name, String cidr, Integer perHostPrefix) {}

    /**
     * One instance. {@code ip}, {@code prefixLen} and {@code gateway} are null when the app has no pool.
     */
    public record Instance(String name, int index, String host, String ip, Integer prefixLen, String gateway) {}

    /** Instance name to instance. */
    public Map<String, Instance> byName() {
        Map<String, Instance> out = new LinkedHashMap<>();
        for (Instance i : instances) out.put(i.name(), i);
        return out;
    }
}
