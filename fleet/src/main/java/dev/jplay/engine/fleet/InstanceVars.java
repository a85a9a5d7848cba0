package dev.jplay.engine.fleet;

import dev.jplay.engine.ippool.IpPool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables templates see about instances. Per host, {@code jplay_instances} lists the instances placed
 * there; a task that loops over it with {@code loop_var: instance} reads {@code instance.index},
 * {@code instance.name}, {@code instance.host}, {@code instance.ip}, {@code instance.prefix_len},
 * {@code instance.gateway}, plus {@code instance.app}, {@code instance.pool}, {@code instance.bridge}
 * (the pool's bridge on the host) and {@code instance.masquerade} (the pool's). Address keys are absent when the app has no pool.
 */
public final class InstanceVars {
    public static final String INSTANCES = "jplay_instances";
    public static final String INSTANCE = "instance";

    private InstanceVars() {}

    /**
     * A vars layer per host ({@code jplay_instances}), for every host given, in instance order; hosts without
     * instances get an empty list.
     */
    public static Map<String, Map<String, Object>> hostLayers(AppPlan plan, List<String> hosts) {
        Map<String, List<Object>> lists = new LinkedHashMap<>();
        for (String h : hosts) lists.put(h, new ArrayList<>());
        for (FleetState.Instance i : plan.next().instances()) {
            lists.computeIfAbsent(i.host(), h -> new ArrayList<>()).add(instance(plan.spec().app(), plan.pool(), i));
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        lists.forEach((h, l) -> out.put(h, Map.of(INSTANCES, Collections.unmodifiableList(l))));
        return out;
    }

    /** The {@code instance} map of one instance. */
    public static Map<String, Object> instance(String app, IpPool pool, FleetState.Instance i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", i.index());
        m.put("name", i.name());
        m.put("host", i.host());
        m.put("app", app);
        if (i.ip() != null) {
            m.put("ip", i.ip());
            m.put("prefix_len", i.prefixLen());
            m.put("gateway", i.gateway());
            m.put("pool", pool.name());
            m.put("bridge", pool.bridgeName());
            m.put("masquerade", pool.masquerade());
        }
        return Collections.unmodifiableMap(m);
    }
}
