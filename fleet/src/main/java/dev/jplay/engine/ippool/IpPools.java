package dev.jplay.engine.ippool;

import dev.jplay.engine.vars.VariableScope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the pools declared in the variable {@code jplay_ip_pools}:
 *
 * <pre>
 * jplay_ip_pools:
 *   web:
 *     cidr: 10.88.0.0/24            # required; IPv4 or IPv6
 *     gateway: 10.88.0.1            # optional; default: the first usable address (not with per_host_prefix)
 *     exclude:                      # optional; addresses, A-B ranges or CIDRs never handed out
 *       - 10.88.0.2
 *       - 10.88.0.100-10.88.0.120
 *     per_host_prefix: 28           # optional; each host leases its own /28 of the pool
 *     masquerade: false             # optional; default true: outbound traffic leaves with the host's address
 * </pre>
 *
 * Pools of the same family must not overlap: that is an error, naming both pools.
 */
public final class IpPools {
    public static final String VARIABLE = "jplay_ip_pools";
    private static final Set<String> KEYS = Set.of("cidr", "gateway", "exclude", "per_host_prefix", "masquerade");

    private IpPools() {}

    /**
     * The {@code jplay_ip_pools} value that applies to a play, by {@link VariableScope#sharedByHosts}: from the
     * play's scope (extra vars, vars_files, vars), else from its hosts' vars, which must then agree; null if none
     * declares it.
     *
     * @throws IpPoolException if two hosts declare different pools
     */
    public static Object variableFor(VariableScope playScope, List<String> hosts,
            Function<String, Map<String, Object>> hostVars) {
        try {
            return playScope.sharedByHosts(VARIABLE, hosts, hostVars);
        } catch (VariableScope.HostsDisagree e) {
            throw new IpPoolException(e.getMessage() + ": declare pools once (group_vars/all or the play)");
        }
    }

    /** The pools of a {@code jplay_ip_pools} value (null: none). */
    public static Map<String, IpPool> parse(Object value) {
        Map<String, IpPool> pools = new LinkedHashMap<>();
        if (value == null) return pools;
        if (!(value instanceof Map<?, ?> map)) throw new IpPoolException(VARIABLE + " must be a mapping of pool names to pools");
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = String.valueOf(e.getKey());
            try {
                pools.put(name, pool(name, e.getValue()));
            } catch (IpPoolException ex) {
                String msg = ex.getMessage();
                throw new IpPoolException(msg.startsWith("ip pool '") ? msg : "ip pool '" + name + "': " + msg);
            }
        }
        checkNoOverlap(pools.values());
        return pools;
    }

    /** Fails when two pools share an address. */
    public static void checkNoOverlap(Iterable<IpPool> pools) {
        List<IpPool> sorted = new ArrayList<>();
        pools.forEach(sorted::add);
        sorted.sort(Comparator.comparing((IpPool p) -> p.cidr().network()));
        for (int i = 1; i < sorted.size(); i++) {
            IpPool a = sorted.get(i - 1);
            IpPool b = sorted.get(i);
            if (a.cidr().overlaps(b.cidr())) {
                throw new IpPoolException("ip pools '" + a.name() + "' (" + a.cidr() + ") and '" + b.name() + "' ("
                        + b.cidr() + ") overlap");
            }
        }
    }

    private static IpPool pool(String name, Object value) {
        if (!(value instanceof Map<?, ?> map)) throw new IpPoolException("must be a mapping with at least 'cidr'");
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new IpPoolException("unknown key '" + key + "' (known: cidr, gateway, exclude, per_host_prefix, masquerade)");
            }
        }
        Object cidrValue = map.get("cidr");
        if (!(cidrValue instanceof String cidrText)) throw new IpPoolException("'cidr' is required, e.g. 10.88.0.0/24");
        Cidr cidr = Cidr.parse(cidrText);
        List<AddressRange> excluded = new ArrayList<>();
        Object ex = map.get("exclude");
        if (ex instanceof List<?> list) {
            for (Object item : list) excluded.add(AddressRange.parse(String.valueOf(item)));
        } else if (ex != null) {
            excluded.add(AddressRange.parse(String.valueOf(ex)));
        }
        Integer perHost = null;
        Object ph = map.get("per_host_prefix");
        if (ph instanceof Number n) perHost = n.intValue();
        else if (ph instanceof String s && s.trim().matches("/?\\d{1,3}")) perHost = Integer.parseInt(s.trim().replace("/", ""));
        else if (ph != null) throw new IpPoolException("'per_host_prefix' must be a prefix length such as 28, got '" + ph + "'");
        Object gw = map.get("gateway");
        IpAddress gateway = gw == null ? null : IpAddress.parse(String.valueOf(gw));
        if (gateway == null && perHost == null) gateway = IpPool.firstUsable(cidr);
        return new IpPool(name, cidr, gateway, excluded, perHost, flag(map.get("masquerade"), "masquerade", true));
    }

    /** A boolean key; rendered templates give text. */
    private static boolean flag(Object value, String key, boolean absent) {
        if (value == null) return absent;
        if (value instanceof Boolean b) return b;
        String s = String.valueOf(value).trim().toLowerCase(java.util.Locale.ROOT);
        if (List.of("true", "yes", "on").contains(s)) return true;
        if (List.of("false", "no", "off").contains(s)) return false;
        throw new IpPoolException("'" + key + "' must be true or false, got '" + value + "'");
    }
}
