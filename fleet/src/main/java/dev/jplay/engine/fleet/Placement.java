package dev.jplay.engine.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each replica of an app runs: instance {@code app-i} runs on {@code hosts().get(i)}.
 *
 * @param hosts the host of each instance, by instance index
 */
public record Placement(String app, List<String> hosts) {
    public Placement {
        hosts = List.copyOf(hosts);
    }

    public int count() {
        return hosts.size();
    }

    public static String instanceName(String app, int index) {
        return app + "-" + index;
    }

    public String instanceName(int index) {
        return instanceName(app, index);
    }

    /** Instance name to host, in index order. */
    public Map<String, String> byInstance() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < hosts.size(); i++) out.put(instanceName(i), hosts.get(i));
        return Collections.unmodifiableMap(out);
    }

    /** Instance indexes per host, hosts in the order given (hosts without instances map to empty lists). */
    public Map<String, List<Integer>> byHost(List<String> hostOrder) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (String h : hostOrder) out.put(h, new ArrayList<>());
        for (int i = 0; i < hosts.size(); i++) out.computeIfAbsent(hosts.get(i), h -> new ArrayList<>()).add(i);
        return out;
    }
}
