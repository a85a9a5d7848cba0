package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code update: {order, max_surge, drain}} on a play or a container task (Docker Swarm's {@code update_config} names):
 * how an instance whose container changes is replaced. {@code start-first} starts the new container beside the old one,
 * {@code stop-first} stops the old one first; {@code null} order means the default (start-first when the play has a
 * service). {@code maxSurge} is a count or a percentage ({@code "25%"}) of a host's instances, at least one;
 * {@code drainSeconds} is how long a removed backend keeps its connections before it is stopped.
 */
public record UpdatePolicy(Order order, String maxSurge, double drainSeconds, Location location) {
    public static final String KEYWORD = "update";
    static final Set<String> KEYS = Set.of("order", "max_surge", "drain");
    private static final Pattern SURGE = Pattern.compile("([1-9]\\d*)(%?)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

    public enum Order {
        START_FIRST("start-first"), STOP_FIRST("stop-first");

        private final String id;

        Order(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** No {@code update:} written: the default order, one surge instance, no drain wait. */
    public static final UpdatePolicy DEFAULT = new UpdatePolicy(null, "1", 0, null);

    static UpdatePolicy parse(YamlNode node) {
        YamlMapping m = Fields.mapping(KEYWORD, node);
        for (String key : m.keys()) {
            if (!KEYS.contains(key)) {
                throw new PlaybookException(m.keyLocation(key), "unknown update key '" + key + "'" + Suggestions.didYouMean(key, KEYS)
                        + " (update keys: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }
        Order order = null;
        String written = Fields.text("update order", m.get("order"));
        if (written != null) {
            for (Order o : Order.values()) if (o.id.equals(written)) order = o;
            if (order == null) throw Fields.wrongType("update order", m.get("order"), "start-first or stop-first");
        }
        String surge = "1";
        if (m.has("max_surge")) {
            YamlNode n = m.get("max_surge");
            String text = n instanceof YamlScalar s && s.value() != null ? String.valueOf(s.value()).strip() : "";
            if (!SURGE.matcher(text).matches()) throw Fields.wrongType("update max_surge", n, "a positive count or a percentage like \"25%\"");
            surge = text;
        }
        double drain = m.has("drain") ? seconds(m.get("drain")) : 0;
        return new UpdatePolicy(order, surge, drain, m.location());
    }

    private static double seconds(YamlNode node) {
        if (node instanceof YamlScalar s && s.value() instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 3600) {
            return n.doubleValue();
        }
        Double secs = node instanceof YamlScalar s && s.value() instanceof String str ? drainSeconds(str) : null;
        if (secs != null) return secs;
        throw Fields.wrongType("update drain", node, DRAIN_SYNTAX);
    }

    /** What a drain may be written as. */
    public static final String DRAIN_SYNTAX = "seconds from 0 to 3600 (a number, or 500ms / 5s / 1m)";

    /** A drain written as text ({@code 2}, {@code 500ms}, {@code 5s}, {@code 1m}) in seconds; null when it is not one. */
    public static Double drainSeconds(String text) {
        Matcher d = DURATION.matcher(text.strip());
        if (!d.matches()) return null;
        double v = Double.parseDouble(d.group(1));
        double secs = "ms".equals(d.group(2)) ? v / 1000 : "m".equals(d.group(2)) ? v * 60 : v;
        return secs <= 3600 ? secs : null;
    }

    /**
     * The order this policy means in a play with ({@code hasService}) or without a service: start-first by default with
     * a service (its rollbacks are start-first too: the host keeps the replaced revision for the new container).
     */
    public Order effectiveOrder(boolean hasService) {
        return order != null ? order : hasService ? Order.START_FIRST : Order.STOP_FIRST;
    }

    /** At most how many extra instances a host runs at once during an update ({@code max_surge} of its {@code instances}). */
    public int surgeFor(int instances) {
        Matcher m = SURGE.matcher(maxSurge);
        if (!m.matches()) return 1;
        int n = Integer.parseInt(m.group(1));
        if (m.group(2).isEmpty()) return n;
        return Math.max(1, (int) Math.ceil(instances * n / 100.0));
    }
}
