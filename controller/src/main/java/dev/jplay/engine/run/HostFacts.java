package dev.jplay.engine.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Facts a module returns ({@code setup}'s {@code ansible_facts}) become the host's, as in Ansible: each
 * {@code ansible_X} as a variable of its own, and all of them, without the prefix, in {@code ansible_facts}
 * ({@code ansible_facts['os_family']}). They outlive the play, like set_fact facts; a later gathering replaces
 * what it gathers again. The last gathering's arguments and facts are kept so that a later play asking for no more
 * reuses them instead of asking the host again.
 */
final class HostFacts {
    static final String KEY = "ansible_facts";

    private HostFacts() {}

    static void absorb(Map<String, Object> registered, HostRun host) {
        if (!(registered.get(KEY) instanceof Map<?, ?> facts) || facts.isEmpty()) return;
        Map<String, Object> all = new LinkedHashMap<>();
        if (host.facts.get(KEY) instanceof Map<?, ?> before) before.forEach((k, v) -> all.put(String.valueOf(k), v));
        facts.forEach((k, v) -> {
            String name = String.valueOf(k);
            host.facts.put(name, v);
            all.put(name.startsWith("ansible_") ? name.substring("ansible_".length()) : name, v);
        });
        host.facts.put(KEY, all);
    }

    /**
     * The result of an earlier gathering on this host that covers {@code args} (same arguments, or everything
     * gathered without a filter), or null: then the host is asked.
     */
    static TaskResult reuse(HostRun host, Map<String, Object> args) {
        Gathered g = host.gathered;
        if (g == null) return null;
        boolean covers = g.args.equals(args) || !args.containsKey("filter") && !g.args.containsKey("filter")
                && g.facts.get("gather_subset") instanceof List<?> subsets
                && subsets.containsAll(List.of("min", "hardware", "network", "virtual"));
        return covers ? TaskResult.ok().output(KEY, g.facts) : null;
    }

    /** After a gathering ran on the host: what it asked for and got. */
    static void remember(HostRun host, Map<String, Object> args, TaskResult result) {
        if (result != null && result.output().get(KEY) instanceof Map<?, ?> facts) {
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) facts;
            host.gathered = new Gathered(Map.copyOf(args), f);
        }
    }

    record Gathered(Map<String, Object> args, Map<String, Object> facts) {}
}
