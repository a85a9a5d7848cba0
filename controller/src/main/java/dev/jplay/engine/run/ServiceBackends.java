package dev.jplay.engine.run;

import dev.jplay.engine.fleet.FleetState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of an app's instances are a service's backends while a play runs, so that the backends follow reality: an
 * instance the last clean run deployed where this run plans it (same host, same address) serves from the start; any
 * other only once its container task succeeded (its health gate passed, if it has one); an instance leaves before its
 * container is stopped or recreated, and every instance of a host found unreachable leaves. Each change bumps
 * {@link #version()}, which the syncs compare with what they applied.
 */
final class ServiceBackends {
    /** An instance as planned: its host and address. */
    record Planned(String host, String ip) {}

    private final Map<String, Planned> planned;
    private final Set<String> serving = new LinkedHashSet<>();
    private long version;

    /**
     * @param next the app's planned state (instances with their host and address)
     * @param previous what the last clean run deployed, or null
     * @param reachable the play's hosts that are reachable now
     */
    ServiceBackends(FleetState next, FleetState previous, Collection<String> reachable) {
        this.planned = new LinkedHashMap<>();
        for (FleetState.Instance i : next.instances()) if (i.ip() != null) planned.put(i.name(), new Planned(i.host(), i.ip()));
        for (String kept : next.keptFrom(previous)) if (reachable.contains(planned.get(kept).host())) serving.add(kept);
    }

    /** Whether {@code instance} is one of this play's instances on {@code host}. */
    synchronized boolean isInstance(String host, String instance) {
        Planned p = planned.get(instance);
        return p != null && p.host().equals(host);
    }

    /** How many instances the plan puts on {@code host}. */
    synchronized int countOn(String host) {
        return (int) planned.values().stream().filter(p -> p.host().equals(host)).count();
    }

    /** The instance's planned address, or null. */
    synchronized String ipOf(String instance) {
        Planned p = planned.get(instance);
        return p == null ? null : p.ip();
    }

    /** A start-first replacement: the instance serves at {@code newIp} from the next sync, not at its old address. */
    synchronized void moved(String instance, String newIp) {
        Planned p = planned.get(instance);
        if (p == null || p.ip().equals(newIp)) return;
        planned.put(instance, new Planned(p.host(), newIp));
        if (serving.contains(instance)) version++;
    }

    synchronized boolean isServing(String instance) {
        return serving.contains(instance);
    }

    /** Its container task succeeded: it serves from the next sync. */
    synchronized void serving(String host, String instance) {
        if (isInstance(host, instance) && serving.add(instance)) version++;
    }

    /** It is about to be stopped or replaced, or its container task failed: it leaves at the next sync. */
    synchronized void notServing(String host, String instance) {
        if (isInstance(host, instance) && serving.remove(instance)) version++;
    }

    /** The host cannot be reached: none of its instances serves. */
    synchronized void hostLost(String host) {
        boolean removed = serving.removeIf(name -> planned.get(name).host().equals(host));
        if (removed) version++;
    }

    synchronized long version() {
        return version;
    }

    /** The serving instances' addresses, in the plan's (index) order. */
    synchronized List<String> backends() {
        List<String> ips = new ArrayList<>();
        planned.forEach((name, p) -> {
            if (serving.contains(name)) ips.add(p.ip());
        });
        return ips;
    }

    /** What one host's service sends to: addresses, and whether they are all the host's own (no masquerade). */
    record HostBackends(List<String> ips, boolean local) {}

    /**
     * The backends of {@code host}'s service: every serving instance, or with {@code localPolicy} the host's own serving
     * ones; a local host with none falls back to every serving instance (cluster).
     */
    synchronized HostBackends forHost(String host, boolean localPolicy) {
        if (localPolicy) {
            List<String> own = new ArrayList<>();
            planned.forEach((name, p) -> {
                if (serving.contains(name) && p.host().equals(host)) own.add(p.ip());
            });
            if (!own.isEmpty()) return new HostBackends(own, true);
        }
        return new HostBackends(backends(), false);
    }

    /** Instance name → whether it is a backend now, in the plan's order (for {@code jplay plan}). */
    synchronized Map<String, Boolean> membership() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        planned.keySet().forEach(name -> out.put(name, serving.contains(name)));
        return out;
    }
}
