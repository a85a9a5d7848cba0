package dev.jplay.engine.run;

import dev.jplay.engine.ippool.AddressRange;
import dev.jplay.engine.ippool.Cidr;
import dev.jplay.engine.ippool.IpAddress;
import dev.jplay.engine.ippool.IpPool;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Spare addresses for start-first replacements: a free address of the instance's own subnet (its host's block, or the
 * flat pool), never a lease of any app, the subnet's network, broadcast or gateway address, an excluded range, nor one
 * already handed out. Taken from the top of the subnet down, away from where the pool allocates new instances.
 */
final class SurgeAddresses {
    private final IpPool pool;
    private final Set<String> used = new HashSet<>();

    /** @param leased every address the fleet state leases (all apps, this plan's and the last run's) */
    SurgeAddresses(IpPool pool, Collection<String> leased) {
        this.pool = pool;
        used.addAll(leased);
    }

    /** A free address in {@code subnet} for a new container, or null when none is left. */
    synchronized String take(Cidr subnet, String gateway) {
        IpAddress last = subnet.last();
        IpAddress first = subnet.network();
        long size = subnet.size().longValueExact();
        for (long back = 1; back < size - 1; back++) { // not the broadcast (last), not the network (first) address
            IpAddress a = last.plus(-back);
            String text = a.toString();
            if (a.equals(first) || text.equals(gateway) || used.contains(text) || excluded(a) || !pool.cidr().contains(a)) continue;
            used.add(text);
            return text;
        }
        return null;
    }

    /** A replacement that failed gives its address back. */
    synchronized void giveBack(String ip) {
        used.remove(ip);
    }

    private boolean excluded(IpAddress a) {
        for (AddressRange r : pool.excluded()) if (a.compareTo(r.first()) >= 0 && a.compareTo(r.last()) <= 0) return true;
        return false;
    }
}
