package dev.jplay.modules.network;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.network.HostNetworkRecords;
import dev.jplay.runtime.network.NetworkException;
import dev.jplay.runtime.network.PoolRouting;
import dev.jplay.runtime.network.RouteDiff;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code pool_routes}: this host's routes to the other hosts' blocks of a pool ({@link PoolRouting}, the host-gw
 * model). The controller runs it first in every play whose replicas use a pool with {@code per_host_prefix}, with
 * the value of {@code jplay_pool_routes} it computed for the host:
 *
 * <pre>
 * pool_routes: {cidr: 10.77.0.0/24, routes: [{dst: 10.77.0.64/26, via: 192.168.1.12, host: node2}], keep: []}
 * </pre>
 *
 * Changed when a route was added, re-pointed or removed, forwarding was turned on, or FORWARD rules were added.
 */
public final class PoolRoutesModule implements TaskModule {
    public static final String NAME = "pool_routes";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(Set.of("pool", "cidr", "routes", "keep"));
        String cidr = args.string("cidr");
        List<RouteDiff.Route> wanted = new ArrayList<>();
        Object raw = args.raw().get("routes");
        if (raw != null && !(raw instanceof List<?>)) throw new ModuleException(Step.ARGS, "ARG_TYPE", NAME + ": routes must be a list of {dst, via}");
        for (Object item : raw == null ? List.of() : (List<?>) raw) {
            if (!(item instanceof Map<?, ?> m) || m.get("dst") == null || m.get("via") == null) {
                throw new ModuleException(Step.ARGS, "ARG_TYPE", NAME + ": each route needs dst and via, got '" + item + "'");
            }
            wanted.add(new RouteDiff.Route(String.valueOf(m.get("dst")).trim(), String.valueOf(m.get("via")).trim()));
        }
        Set<String> keep = new LinkedHashSet<>(args.has("keep") ? args.strings("keep") : List.of());
        PoolRouting.Outcome outcome;
        try {
            outcome = new PoolRouting().converge(cidr, wanted, keep, ctx.check());
        } catch (NetworkException e) {
            ModuleException m = new ModuleException(NetworkException.STEP, e.code(), NAME + " " + cidr + ": " + e.getMessage(), e);
            e.detail().forEach(m::detail);
            throw m.detail("pool", cidr);
        }
        boolean unit = !ctx.check() && Records.write(ctx, "pool " + cidr, r -> {
            if (wanted.isEmpty() && keep.isEmpty()) r.forgetPool(cidr);
            else r.recordPool(new HostNetworkRecords.PoolRecord(cidr, wanted, List.copyOf(keep)));
        });
        List<String> added = outcome.routes().replace().stream().map(RouteDiff.Route::toString).toList();
        List<String> removed = outcome.routes().delete().stream().map(RouteDiff.Route::toString).toList();
        List<String> what = new ArrayList<>();
        if (!added.isEmpty()) what.add("route " + String.join(", ", added));
        if (!removed.isEmpty()) what.add("no route " + String.join(", ", removed));
        if (outcome.forwardingTurnedOn()) what.add("ip_forward on");
        if (!outcome.firewallRulesAdded().isEmpty()) what.add("iptables: " + String.join("; ", outcome.firewallRulesAdded()));
        if (unit) what.add("boot unit updated");
        return ModuleResult.changed(outcome.changed() || unit)
                .msg(what.isEmpty() ? "routes to the other hosts' blocks of " + cidr + " are in place (" + wanted.size() + ")"
                        : (ctx.check() ? "would set " : "") + String.join("; ", what))
                .put("added", added).put("removed", removed).put("forwarding_turned_on", outcome.forwardingTurnedOn())
                .put("firewall_rules_added", outcome.firewallRulesAdded())
                .build();
    }
}
