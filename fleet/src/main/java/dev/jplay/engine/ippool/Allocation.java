package dev.jplay.engine.ippool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The addresses of one app's instances in one pool.
 *
 * @param addresses instance name to address, in the order the instances were given
 * @param hostBlocks for a per-host pool, the block each host with instances holds (empty for a flat pool)
 */
public record Allocation(IpPool pool, Map<String, InstanceAddress> addresses, Map<String, Cidr> hostBlocks) {
    public Allocation {
        addresses = Collections.unmodifiableMap(new LinkedHashMap<>(addresses));
        hostBlocks = Collections.unmodifiableMap(new LinkedHashMap<>(hostBlocks));
    }
}
