package dev.jplay.engine.fleet;

import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPoolException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The host-gw routes of a pool with a block per host: every host of the play gets, as {@value #VARIABLE}, a route
 * to every other host's block via that host's address, for the agent module {@code pool_routes}:
 * {@code {pool, cidr, routes: [{dst, via, host}], keep: [blocks]}}. A host that leaves the play or is scaled to zero
 * holds no block any more, so its block drops out of everyone's routes (the module deletes the route). {@code keep}:
 * blocks other apps of the same pool hold on hosts this play may not know the address of; their routes stay.
 *
 * <p>A host's address is its {@value #VIA_VAR} host var, else {@code ansible_host}: an IPv4 address on the network
 * the hosts share (no overlay: one L2 segment, or routes for the blocks in the network between them).
 */
public final class PoolRoutes {
    public static final String VARIABLE = "jplay_pool_routes";
    /** Host var: the address other hosts route this host's block through, when ansible_host is not it. */
    public static final String VIA_VAR = "jplay_route_via";
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private PoolRoutes() {}

    /**
     * Per play host, its {@value #VARIABLE} value; empty when the app's pool is flat, IPv6 or absent (nothing to route).
     *
     * @param hostVars inventory vars of each play host (for {@link #VIA_VAR} / {@code ansible_host})
     * @param states the saved state of every app (other apps' blocks in the same pool become {@code keep})
     * @throws IpPoolException when a host holding a block has no IPv4 address to route through
     */
    public static Map<String, Map<String, Object>> forHosts(AppPlan plan, Map<String, Map<String, Object>> hostVars,
            Collection<FleetState> states) {
        IpPool pool = plan.pool();
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (pool == null || !pool.perHost() || pool.cidr().bits() != 32) return out;
        Map<String, String> blocks = plan.next().hostBlocks();
        Map<String, String> via = new LinkedHashMap<>();
        for (String host : blocks.keySet()) {
            // Only a block another play host routes to needs its holder's address (a one-host play needs none).
            if (hostVars.keySet().stream().anyMatch(h -> !h.equals(host))) via.put(host, address(host, hostVars.getOrDefault(host, Map.of())));
        }
        Set<String> others = new LinkedHashSet<>();
        for (FleetState s : states) {
            if (s.app().equals(plan.spec().app()) || s.pool() == null || !pool.name().equals(s.pool().name())) continue;
            others.addAll(s.hostBlocks().values());
        }
        others.removeAll(blocks.values());
        for (String host : hostVars.keySet()) {
            List<Object> routes = new ArrayList<>();
            blocks.forEach((holder, block) -> {
                if (holder.equals(host)) return;
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("dst", block);
                r.put("via", via.get(holder));
                r.put("host", holder);
                routes.add(r);
            });
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("pool", pool.name());
            value.put("cidr", pool.cidr().toString());
            value.put("routes", routes);
            value.put("keep", List.copyOf(others));
            out.put(host, value);
        }
        return out;
    }

    private static String address(String host, Map<String, Object> vars) {
        Object v = vars.get(VIA_VAR) != null ? vars.get(VIA_VAR) : vars.get("ansible_host");
        String text = v == null ? host : String.valueOf(v).trim();
        if (!IPV4.matcher(text).matches()) {
            throw new IpPoolException("host " + host + " holds a block of a per-host pool, so the other hosts route to it, but its address '"
                    + text + "' (" + (vars.get(VIA_VAR) != null ? VIA_VAR : vars.get("ansible_host") != null ? "ansible_host" : "its name")
                    + ") is not an IPv4 address: set " + VIA_VAR + " to its address on the hosts' shared network");
        }
        return text;
    }
}
