package dev.jplay.runtime.network;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible docker_container's {@code published_ports} syntax: {@code "8080:80"}, {@code "8080:80/udp"},
 * {@code "127.0.0.1:8080:80/tcp"}, and ranges of equal length {@code "8000-8001:80-81"}. The host port is required
 * (jplay does not pick a free one) and there is no IPv6 host address.
 */
public final class PublishedPorts {
    /** A range this long becomes this many NAT rules per container: more is a mistake, not a need. */
    static final int MAX_PORTS = 1024;
    private static final Pattern SYNTAX = Pattern.compile(
            "(?:(?<ip>\\d{1,3}(?:\\.\\d{1,3}){3}):)?(?<host>\\d{1,5}(?:-\\d{1,5})?):(?<container>\\d{1,5}(?:-\\d{1,5})?)(?:/(?<proto>[a-zA-Z]+))?");

    private PublishedPorts() {}

    /** Every entry's mappings, in order; the same host address, port and protocol twice is an error. */
    public static List<PortMapping> parse(List<String> entries) {
        List<PortMapping> all = new ArrayList<>();
        Set<String> taken = new LinkedHashSet<>();
        for (String entry : entries) {
            for (PortMapping m : parse(entry)) {
                String key = (m.hostIp() == null ? "*" : m.hostIp()) + ":" + m.hostPort() + "/" + m.protocol();
                if (!taken.add(key)) {
                    throw new NetworkException(NetworkException.BAD_PORT, "host port " + m.hostPort() + "/" + m.protocol()
                            + " is published twice (in '" + entry + "')").detail("published_port", entry);
                }
                all.add(m);
                if (all.size() > MAX_PORTS) {
                    throw new NetworkException(NetworkException.BAD_PORT, "more than " + MAX_PORTS + " published ports")
                            .detail("published_port", entry);
                }
            }
        }
        return List.copyOf(all);
    }

    /** One entry: a mapping, or one per port of a range. */
    public static List<PortMapping> parse(String entry) {
        String text = entry == null ? "" : entry.trim();
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw bad(entry, "expected [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp], e.g. \"8080:80\" or \"127.0.0.1:8080:80/udp\"");
        }
        String proto = m.group("proto") == null ? "tcp" : m.group("proto").toLowerCase(java.util.Locale.ROOT);
        int[] host = range(entry, m.group("host"));
        int[] container = range(entry, m.group("container"));
        int count = host[1] - host[0] + 1;
        if (container[1] - container[0] + 1 != count) {
            throw bad(entry, "the host range has " + count + " ports and the container range " + (container[1] - container[0] + 1));
        }
        if (count > MAX_PORTS) throw bad(entry, "a range of more than " + MAX_PORTS + " ports");
        List<PortMapping> out = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) out.add(new PortMapping(m.group("ip"), host[0] + i, container[0] + i, proto));
        } catch (NetworkException e) {
            throw bad(entry, e.getMessage());
        }
        return out;
    }

    private static int[] range(String entry, String text) {
        int dash = text.indexOf('-');
        int first = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
        int last = dash < 0 ? first : Integer.parseInt(text.substring(dash + 1));
        if (last < first) throw bad(entry, "range " + text + " ends before it starts");
        return new int[] {first, last};
    }

    private static NetworkException bad(String entry, String why) {
        return new NetworkException(NetworkException.BAD_PORT, "published port '" + entry + "': " + why)
                .detail("published_port", String.valueOf(entry));
    }
}
