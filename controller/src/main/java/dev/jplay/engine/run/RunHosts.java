package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.reports.HostRecap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The hosts of a run, each with its {@link HostRun} (made the first time a play selects it), in first-seen order. */
final class RunHosts {
    private final Inventory inventory;
    private final Map<String, HostRun> hosts = new LinkedHashMap<>();

    RunHosts(Inventory inventory) {
        this.inventory = inventory;
    }

    /** The host's run state, made on first use. */
    HostRun of(String name) {
        return hosts.computeIfAbsent(name, n -> newHostRun(n));
    }

    HostRun get(String name) {
        return hosts.get(name);
    }

    /** By name, read-only. */
    Map<String, HostRun> byName() {
        return Collections.unmodifiableMap(hosts);
    }

    /** Hosts of the run that failed in the current play or are unreachable. */
    long failedOrUnreachable() {
        return hosts.values().stream().filter(h -> h.failedInPlay() || h.unreachable()).count();
    }

    Map<String, HostRecap> recap() {
        Map<String, HostRecap> recap = new LinkedHashMap<>();
        hosts.forEach((name, h) -> recap.put(name, h.recap()));
        return recap;
    }

    private HostRun newHostRun(String name) {
        Map<String, Object> vars = inventory.hostVars(name);
        HostTarget target = HostTargets.of(name, vars);
        List<String> groupNames = inventory.host(name).map(Host::groupNames).orElse(List.of());
        return new HostRun(name, vars, target, groupNames);
    }
}
