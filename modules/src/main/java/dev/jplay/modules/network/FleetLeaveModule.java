package dev.jplay.modules.network;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.runtime.network.HostNetworkRecords;
import dev.jplay.runtime.network.NetworkException;
import dev.jplay.runtime.network.PoolRouting;
import dev.jplay.runtime.network.RouteDiff;
import dev.jplay.runtime.network.ServiceTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code fleet_leave}: this host leaves jplay's fleet network, as {@code kubeadm reset} cleans a node that was drained
 * and deleted: every fleet service table ({@code ip jplay-svc-*}), every route jplay's pools added ({@code proto 211})
 * and every iptables rule commented {@code jplay-pool-*} go, with their boot records (and the boot unit when nothing
 * else needs it). A host removed from the inventory is no longer in any play, so no run touches it again: without this
 * it would keep answering on the services' ports and routing to blocks the pool may give to other hosts. Nothing else
 * of the ruleset or routing table is touched; the containers are removed by the {@code container} module (the example
 * playbook {@code playbooks/examples/leave-fleet.yml} does both).
 *
 * <pre>
 * fleet_leave: {}
 * </pre>
 *
 * Changed when anything was removed. Results: {@code services}, {@code routes}, {@code firewall_rules} (what went).
 */
public final class FleetLeaveModule implements TaskModule {
    public static final String NAME = "fleet_leave";

    private final ServiceTables tables;
    private final PoolRouting routing;

    public FleetLeaveModule() {
        this(new ServiceTables(), new PoolRouting());
    }

    FleetLeaveModule(ServiceTables tables, PoolRouting routing) {
        this.tables = tables;
        this.routing = routing;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(Set.of());
        List<String> services;
        PoolRouting.Removed removed;
        try {
            services = tables.available() ? tables.names() : List.of(); // without nft, jplay wrote no table
            if (!ctx.check()) for (String name : services) tables.delete(name);
            removed = routing.removeAll(ctx.check());
        } catch (NetworkException e) {
            ModuleException m = new ModuleException(NetworkException.STEP, e.code(), NAME + ": " + e.getMessage(), e);
            e.detail().forEach(m::detail);
            throw m;
        }
        boolean unit = !ctx.check() && Records.write(ctx, "the host's departure", HostNetworkRecords::forgetAll);
        List<String> routes = removed.routes().stream().map(RouteDiff.Route::toString).toList();
        List<String> what = new ArrayList<>();
        if (!services.isEmpty()) what.add("service table(s) " + String.join(", ", services));
        if (!routes.isEmpty()) what.add("route(s) " + String.join(", ", routes));
        if (!removed.firewallRules().isEmpty()) what.add(removed.firewallRules().size() + " iptables rule(s)");
        if (unit) what.add("boot records");
        return ModuleResult.changed(!services.isEmpty() || removed.changed() || unit)
                .msg(what.isEmpty() ? "nothing of jplay's fleet network on this host"
                        : (ctx.check() ? "would remove " : "removed ") + String.join("; ", what))
                .put("services", services).put("routes", routes).put("firewall_rules", removed.firewallRules()).build();
    }
}
