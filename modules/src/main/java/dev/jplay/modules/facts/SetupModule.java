package dev.jplay.modules.facts;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code setup}: the host's facts under {@code ansible_facts}, with Ansible's names ({@code ansible_hostname},
 * {@code ansible_os_family}, {@code ansible_default_ipv4}...), read by {@link FactsCollector} from /proc, /sys,
 * /etc and the JVM's view of the network interfaces: no Python, no process started. Arguments: {@code gather_subset}
 * ({@link FactSubsets}), {@code filter} (shell-style patterns of the fact names to keep).
 */
public final class SetupModule implements TaskModule {
    @Override
    public String name() {
        return "setup";
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(Set.of("gather_subset", "filter", "gather_timeout", "fact_path"));
        Set<String> subsets;
        try {
            subsets = FactSubsets.resolve(args.has("gather_subset") ? args.strings("gather_subset") : List.of("all"));
        } catch (IllegalArgumentException e) {
            throw new ModuleException(dev.jplay.protocol.Step.ARGS, "ARG_INVALID", e.getMessage());
        }
        Map<String, Object> facts = new FactsCollector(Path.of("/")).collect(subsets);
        if (args.has("filter")) facts = filter(facts, args.strings("filter"));
        Map<String, Object> out = new LinkedHashMap<>();
        facts.forEach((k, v) -> out.put("ansible_" + k, v));
        out.put("gather_subset", new ArrayList<>(subsets));
        out.put("module_setup", true);
        return ModuleResult.ok().put("ansible_facts", out).build();
    }

    private static Map<String, Object> filter(Map<String, Object> facts, List<String> patterns) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String p : patterns) {
            for (String one : p.split(",")) {
                if (one.isBlank()) continue;
                String bare = one.strip().startsWith("ansible_") ? one.strip().substring(8) : one.strip();
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + bare));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        facts.forEach((k, v) -> {
            if (matchers.isEmpty() || matchers.stream().anyMatch(m -> m.matches(Path.of(k)))) out.put(k, v);
        });
        return out;
    }
}
