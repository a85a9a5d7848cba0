package dev.jplay.runtime.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's table as the kernel reports it ({@code nft -j list table ip jplay-svc-NAME}), read back into the
 * {@link FleetService} its rules implement, so that what a host serves is never taken from a file that could be stale.
 *
 * @param service what the rules do: the port and protocol of the prerouting match, the backends and target port of
 *                the dnat map (the comment's target port when there is no backend), the comment's traffic policy
 * @param hash    the hash in the {@code service} rule's comment; null when the table is not exactly the four
 *                one-rule chains jplay writes (edited by hand): such a table is always rewritten
 */
public record InstalledService(FleetService service, String hash) {
    private static final List<String> CHAINS = List.of("prerouting", "output", "service", "postrouting");
    private static final Pattern COMMENT = Pattern.compile(Pattern.quote(ServiceRuleset.COMMENT)
            + " \\S+ target_port (\\d{1,5})( traffic_policy local)? sha256:([0-9a-f]{16})");

    /** True when the kernel's rules are exactly what {@link ServiceRuleset} writes for {@code wanted}. */
    public boolean matches(FleetService wanted) {
        return wanted.equals(service) && ServiceRuleset.hash(wanted).equals(hash);
    }

    /**
     * Parses {@code nft -j list table}'s output for the service {@code name}; empty when the rules do not say a port,
     * protocol and target (not a table jplay wrote).
     */
    public static Optional<InstalledService> parse(String name, Map<String, Object> listing) {
        Map<String, List<Map<String, Object>>> rules = new TreeMap<>();
        List<String> chains = new ArrayList<>();
        for (Object item : list(listing.get("nftables"))) {
            Map<String, Object> entry = map(item);
            Map<String, Object> chain = map(entry.get("chain"));
            if (!chain.isEmpty()) chains.add(String.valueOf(chain.get("name")));
            Map<String, Object> rule = map(entry.get("rule"));
            if (!rule.isEmpty()) rules.computeIfAbsent(String.valueOf(rule.get("chain")), c -> new ArrayList<>()).add(rule);
        }
        Integer port = null;
        String protocol = null;
        for (Map<String, Object> rule : rules.getOrDefault("prerouting", List.of())) {
            for (Object e : list(rule.get("expr"))) {
                Map<String, Object> match = map(map(e).get("match"));
                Map<String, Object> payload = map(map(match.get("left")).get("payload"));
                if ("dport".equals(payload.get("field")) && match.get("right") instanceof Number n) {
                    port = n.intValue();
                    protocol = String.valueOf(payload.get("protocol"));
                }
            }
        }
        List<Map<String, Object>> service = rules.getOrDefault("service", List.of());
        Matcher comment = COMMENT.matcher(service.size() == 1 ? String.valueOf(service.get(0).get("comment")) : "");
        boolean commented = comment.matches();
        Integer target = commented ? Integer.valueOf(comment.group(1)) : null;
        TreeMap<Integer, String> backends = new TreeMap<>();
        for (Map<String, Object> rule : service) {
            for (Object e : list(rule.get("expr"))) {
                Map<String, Object> map = map(map(map(map(e).get("dnat")).get("addr")).get("map"));
                for (Object element : list(map(map.get("data")).get("set"))) {
                    List<Object> pair = list(element);
                    if (pair.size() != 2 || !(pair.get(0) instanceof Number index)) continue;
                    List<Object> concat = list(map(pair.get(1)).get("concat"));
                    if (concat.size() != 2 || !(concat.get(1) instanceof Number p)) continue;
                    backends.put(index.intValue(), String.valueOf(concat.get(0)));
                    target = p.intValue();
                }
            }
        }
        if (port == null || target == null) return Optional.empty();
        FleetService read;
        try {
            read = new FleetService(name, port, target, protocol, List.copyOf(backends.values()),
                    commented && comment.group(2) != null ? FleetService.LOCAL : FleetService.CLUSTER);
        } catch (NetworkException e) {
            return Optional.empty();
        }
        boolean shaped = chains.size() == CHAINS.size() && chains.containsAll(CHAINS)
                && CHAINS.stream().allMatch(c -> rules.getOrDefault(c, List.of()).size() == 1);
        return Optional.of(new InstalledService(read, shaped && commented ? comment.group(3) : null));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
