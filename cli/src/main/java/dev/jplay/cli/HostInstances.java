package dev.jplay.cli;

import dev.jplay.engine.fleet.ObservedInstance;
import dev.jplay.inventory.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a set of hosts run, from each one's agent ({@code container_info}), read once: the instances of any app can
 * then be picked out. Hosts that did not answer are kept apart with the reason.
 */
final class HostInstances {
    private final Map<String, List<Map<String, Object>>> containers = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Map<String, Boolean> unreachable = new LinkedHashMap<>();

    /** Asks every host at once, each answer within {@code wait}. */
    static HostInstances ask(FleetAgents agents, List<Host> hosts, Duration wait) throws InterruptedException {
        HostInstances out = new HostInstances();
        for (FleetAgents.Answer a : agents.callAll(hosts, "container_info", Map.of(), wait).values()) {
            if (a.ok()) {
                out.containers.put(a.host(), FleetAgents.containers(a.result()));
            } else {
                out.failures.put(a.host(), a.describe());
                out.unreachable.put(a.host(), a.unreachable());
            }
        }
        return out;
    }

    /** The hosts that answered. */
    Set<String> answered() {
        return containers.keySet();
    }

    /** Hosts that did not answer, with why. */
    Map<String, String> failures() {
        return failures;
    }

    boolean anyUnreachable() {
        return unreachable.containsValue(true);
    }

    /** The instances of {@code app} on {@code hosts} (those that answered), as their agents describe them. */
    List<ObservedInstance> of(String app, Collection<String> hosts) {
        List<ObservedInstance> out = new ArrayList<>();
        for (String host : hosts) {
            for (Map<String, Object> c : containers.getOrDefault(host, List.of())) {
                if ("absent".equals(c.get("status"))) continue;
                ObservedInstance.of(app, host, text(c.get("name")), Boolean.TRUE.equals(c.get("running")), text(c.get("ip")),
                        c.get("prefix_len") instanceof Number n ? Integer.valueOf(n.intValue()) : null, text(c.get("gateway")))
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    private static String text(Object o) {
        return o instanceof String s ? s : null;
    }
}
