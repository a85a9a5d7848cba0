package dev.jplay.cli;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.engine.run.HostTargets;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How commands that run no playbook ({@code jplay ps}, {@code jplay logs}) reach each host's agent: the inventory's
 * connection vars, with become as the host's vars and the command line's {@code -b} say. Containers started with
 * become live in the privileged agent's state ({@code /var/lib/jplay}), so reading them needs the same become.
 */
final class AgentTargets {
    private AgentTargets() {}

    /** The targets of {@code hosts}, by host name, in their order; IllegalArgumentException naming a host with a bad var. */
    static Map<String, HostTarget> of(Inventory inventory, List<Host> hosts, BecomeDefaults become) {
        Map<String, HostTarget> targets = new LinkedHashMap<>();
        for (Host h : hosts) {
            Map<String, Object> vars = inventory.hostVars(h.name());
            try {
                targets.put(h.name(), of(h.name(), vars, become));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(h.name() + ": " + e.getMessage(), e);
            }
        }
        return targets;
    }

    /** One host's target from its vars and the command line's become; IllegalArgumentException for a bad become var. */
    static HostTarget of(String host, Map<String, Object> vars, BecomeDefaults become) {
        return HostTargets.withBecome(HostTargets.of(host, vars), vars, become);
    }
}
