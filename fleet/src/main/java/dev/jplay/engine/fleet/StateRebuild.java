package dev.jplay.engine.fleet;

import dev.jplay.engine.ippool.Cidr;
import dev.jplay.engine.ippool.IpAddress;
import dev.jplay.engine.ippool.IpPool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An app's fleet state rebuilt from what its hosts run: each instance where its container is, holding the address
 * its container has (a lease) when that address is in the app's pool, and each host the block its instances'
 * addresses lie in (per-host pools). A plan from the rebuilt state keeps every instance where it is with its address,
 * so a re-run of the playbook changes nothing. What cannot be kept is said in {@link Result#warnings}.
 */
public final class StateRebuild {
    /** The rebuilt state and what was left out of it, and why. */
    public record Result(FleetState state, List<String> warnings) {}

    private StateRebuild() {}

    /**
     * @param pool the app's pool, or null when it has none
     * @param observed the app's instances on its hosts (every host asked; see {@link ObservedInstance#of})
     */
    public static Result of(String app, IpPool pool, List<ObservedInstance> observed) {
        List<String> warnings = new ArrayList<>();
        // One container per instance name: on two hosts, the running one (two running: neither is trusted).
        Map<String, List<ObservedInstance>> byName = new TreeMap<>();
        for (ObservedInstance o : observed) byName.computeIfAbsent(o.name(), n -> new ArrayList<>()).add(o);
        List<ObservedInstance> kept = new ArrayList<>();
        for (Map.Entry<String, List<ObservedInstance>> e : byName.entrySet()) {
            List<ObservedInstance> copies = e.getValue();
            if (copies.size() == 1) {
                kept.add(copies.get(0));
                continue;
            }
            List<ObservedInstance> running = copies.stream().filter(ObservedInstance::running).toList();
            String where = String.join(", ", copies.stream().map(c -> c.host() + (c.running() ? " (running)" : " (stopped)")).toList());
            if (running.size() == 1) {
                kept.add(running.get(0));
                warnings.add(e.getKey() + " is on " + copies.size() + " hosts (" + where + "): kept the running one on " + running.get(0).host());
            } else {
                warnings.add(e.getKey() + " is on " + copies.size() + " hosts (" + where + "): left out; remove the extra copies, then rebuild again");
            }
        }
        kept.sort(Comparator.comparingInt(ObservedInstance::index));
        FleetState.PoolRef ref = pool == null ? null : new FleetState.PoolRef(pool.name(), pool.cidr().toString(), pool.perHostPrefix());
        Map<String, String> blocks = new LinkedHashMap<>();
        List<FleetState.Instance> instances = new ArrayList<>();
        for (ObservedInstance o : kept) {
            String ip = null;
            Integer prefix = null;
            String gateway = null;
            if (pool != null && o.ip() != null) {
                IpAddress address = IpAddress.parse(o.ip());
                if (!pool.cidr().contains(address)) {
                    warnings.add(o.name() + " on " + o.host() + " has " + o.ip() + ", outside pool '" + pool.name() + "' (" + pool.cidr()
                            + "): no lease kept, the next run readdresses it");
                } else if (pool.perHost()) {
                    Cidr block = pool.cidr().block(pool.cidr().blockIndexOf(address, pool.perHostPrefix()), pool.perHostPrefix());
                    String held = blocks.putIfAbsent(o.host(), block.toString());
                    if (held != null && !held.equals(block.toString())) {
                        warnings.add(o.name() + " on " + o.host() + " has " + o.ip() + ", outside the host's block " + held
                                + ": no lease kept, the next run readdresses it");
                    } else {
                        ip = o.ip();
                        prefix = o.prefixLen();
                        gateway = o.gateway();
                    }
                } else {
                    ip = o.ip();
                    prefix = o.prefixLen();
                    gateway = o.gateway();
                }
            } else if (pool != null) {
                warnings.add(o.name() + " on " + o.host() + " has no address of its own: the next run gives it one from pool '" + pool.name() + "'");
            }
            instances.add(new FleetState.Instance(o.name(), o.index(), o.host(), ip, prefix, gateway));
        }
        return new Result(new FleetState(FleetState.VERSION, app, ref, blocks, instances), warnings);
    }
}
