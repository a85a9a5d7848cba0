package dev.jplay.modules.facts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Ansible's {@code gather_subset}: {@code all} (the default), {@code min}, {@code hardware}, {@code network},
 * {@code virtual} and their negations ({@code !all}, {@code !hardware}). As in Ansible, {@code min} is always
 * gathered unless {@code !min} is given, a list of negations alone starts from {@code all}, and {@code !all} keeps
 * only {@code min}.
 */
public final class FactSubsets {
    public static final Set<String> ALL = Set.of("min", "hardware", "network", "virtual");
    private static final Set<String> ACCEPTED = Set.of("all", "min", "hardware", "network", "virtual", "facter",
            "ohai", "devices", "distribution", "platform", "env", "date_time", "user", "pkg_mgr", "service_mgr",
            "interfaces", "default_ipv4", "mounts", "processor", "memory");

    private FactSubsets() {}

    /** The subsets to gather for what is written (a list, or a comma-separated string). */
    public static Set<String> resolve(List<String> written) {
        List<String> items = new ArrayList<>();
        for (String w : written) for (String s : w.split(",")) if (!s.isBlank()) items.add(s.strip());
        if (items.isEmpty()) items.add("all");
        Set<String> include = new LinkedHashSet<>();
        Set<String> exclude = new LinkedHashSet<>();
        boolean onlyNegations = items.stream().allMatch(s -> s.startsWith("!"));
        if (onlyNegations && !items.contains("!all")) include.addAll(ALL);
        for (String item : items) {
            boolean negate = item.startsWith("!");
            String name = negate ? item.substring(1) : item;
            if (!ACCEPTED.contains(name)) {
                throw new IllegalArgumentException("unknown gather_subset '" + item + "' (supported: all, min, hardware, "
                        + "network, virtual, and their negations such as !all)");
            }
            Set<String> expanded = expand(name);
            if (negate && !name.equals("all")) exclude.addAll(expanded); // !all: only what is listed (and min)
            else if (!negate) include.addAll(expanded);
        }
        include.removeAll(exclude);
        if (!exclude.contains("min")) include.add("min");
        return include;
    }

    private static Set<String> expand(String name) {
        return switch (name) {
            case "all" -> ALL;
            case "devices", "mounts", "processor", "memory" -> Set.of("hardware");
            case "interfaces", "default_ipv4" -> Set.of("network");
            case "facter", "ohai" -> Set.of();
            case "distribution", "platform", "env", "date_time", "user", "pkg_mgr", "service_mgr" -> Set.of("min");
            default -> Set.of(name);
        };
    }
}
