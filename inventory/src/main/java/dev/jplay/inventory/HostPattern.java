package dev.jplay.inventory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Ansible host patterns, with Ansible's semantics and result order:
 * <ul>
 *   <li>{@code all} or {@code *}: every host; a group name: its hosts and those of its descendants; a host name;
 *   <li>{@code a:b} or {@code a,b}: union; {@code a:&b}: intersection; {@code a:!b}: exclusion. Plain
 *       patterns are applied first, then all {@code &}, then all {@code !}, whatever their written order;
 *   <li>{@code web*}, {@code db?.example.com}: shell wildcards over group and host names;
 *       {@code ~regex}: a regular expression matched at the start of names;
 *   <li>{@code group[0]}, {@code group[-1]}, {@code group[1:3]} (inclusive), {@code group[2:]}: slices.
 * </ul>
 * A pattern matching nothing adds the warning Ansible prints ("Could not match supplied host pattern,
 * ignoring: X"); {@code localhost}, {@code 127.0.0.1} and {@code ::1} match an implicit localhost when the
 * inventory lacks them.
 */
public final class HostPattern {
    /** The hosts a pattern selected, and warnings about parts that matched nothing. */
    public record Selection(List<Host> hosts, List<String> warnings) {
        public Selection {
            hosts = List.copyOf(hosts);
            warnings = List.copyOf(warnings);
        }
    }

    private static final Pattern SUBSCRIPT = Pattern.compile("^(.+)\\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\\]$", Pattern.DOTALL);
    private static final Pattern COLON_SEPARATED = Pattern.compile("(?:[^\\s:\\[\\]]|\\[[^\\]]*\\])+");

    private final Inventory inventory;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Host> implicit = new LinkedHashMap<>();

    private HostPattern(Inventory inventory) {
        this.inventory = inventory;
    }

    public static Selection select(Inventory inventory, String pattern) {
        HostPattern matcher = new HostPattern(inventory);
        List<Host> hosts = matcher.evaluate(split(pattern));
        Map<String, Host> unique = new LinkedHashMap<>();
        for (Host h : hosts) unique.putIfAbsent(h.name(), h);
        return new Selection(new ArrayList<>(unique.values()), matcher.warnings);
    }

    /** Ansible's {@code split_host_pattern}: commas always separate; colons only where not part of a host. */
    static List<String> split(String pattern) {
        List<String> parts = new ArrayList<>();
        if (pattern.contains(",")) {
            parts.addAll(List.of(pattern.split(",", -1)));
        } else {
            boolean isAddress;
            try {
                HostAddress.parse(pattern, true);
                isAddress = true;
            } catch (IllegalArgumentException e) {
                isAddress = false;
            }
            if (isAddress) {
                parts.add(pattern);
            } else {
                Matcher m = COLON_SEPARATED.matcher(pattern);
                while (m.find()) parts.add(m.group());
            }
        }
        List<String> result = new ArrayList<>();
        for (String p : parts) if (!p.strip().isEmpty()) result.add(p.strip());
        return result;
    }

    private List<Host> evaluate(List<String> patterns) {
        List<String> ordered = new ArrayList<>();
        for (String p : patterns) if (p.charAt(0) != '!' && p.charAt(0) != '&') ordered.add(p);
        if (ordered.isEmpty()) ordered.add("all");
        for (String p : patterns) if (p.charAt(0) == '&') ordered.add(p);
        for (String p : patterns) if (p.charAt(0) == '!') ordered.add(p);

        List<Host> hosts = new ArrayList<>();
        for (String p : ordered) {
            var exact = inventory.host(p);
            if (exact.isPresent()) {
                hosts.add(exact.get());
                continue;
            }
            List<Host> that = matchOne(p);
            if (p.charAt(0) == '!' || p.charAt(0) == '&') {
                Set<String> names = names(that);
                boolean keep = p.charAt(0) == '&';
                hosts.removeIf(h -> names.contains(h.name()) != keep);
            } else {
                Set<String> existing = names(hosts);
                for (Host h : that) if (!existing.contains(h.name())) hosts.add(h);
            }
        }
        return hosts;
    }

    private List<Host> matchOne(String pattern) {
        if (pattern.charAt(0) == '&' || pattern.charAt(0) == '!') pattern = pattern.substring(1);
        String expression = pattern;
        Integer start = null;
        Integer end = null;
        boolean range = false;
        Matcher m = pattern.startsWith("~") ? null : SUBSCRIPT.matcher(pattern);
        if (m != null && m.matches()) {
            expression = m.group(1);
            if (m.group(2) != null) {
                start = Integer.valueOf(m.group(2));
            } else {
                range = true;
                start = Integer.valueOf(m.group(3));
                end = m.group(5).isEmpty() ? -1 : Integer.valueOf(m.group(5));
                if (m.group(4).equals("-")) warnings.add("Use [x:y] inclusive subscripts instead of [x-y] which has been removed");
            }
        }
        List<Host> hosts = enumerate(expression);
        if (hosts.isEmpty() || start == null) return hosts;
        if (range && end != 0) { // Python: "if end:" so [x:0] is an index, like Ansible
            int last = end == -1 ? hosts.size() - 1 : end;
            int from = Math.min(start, hosts.size());
            int to = Math.min(last + 1, hosts.size());
            return from >= to ? List.of() : hosts.subList(from, to);
        }
        int index = start < 0 ? hosts.size() + start : start;
        if (index < 0 || index >= hosts.size()) {
            throw new InventoryException("No hosts matched the subscripted pattern '" + pattern + "'");
        }
        return List.of(hosts.get(index));
    }

    private List<Host> enumerate(String pattern) {
        Pattern compiled = compile(pattern);
        List<Host> results = new ArrayList<>();
        boolean matchedGroup = false;
        for (String group : inventory.groups().keySet()) {
            if (matches(compiled, pattern, group)) {
                matchedGroup = true;
                results.addAll(inventory.hostsOf(group));
            }
        }
        boolean special = pattern.startsWith("~") || pattern.contains(".") || pattern.contains("?")
                || pattern.contains("*") || pattern.contains("[");
        if (!matchedGroup || special) {
            for (Host h : inventory.hosts()) if (matches(compiled, pattern, h.name())) results.add(h);
        }
        if (results.isEmpty() && HostAddress.isLocalhost(pattern)) {
            results.add(implicit.computeIfAbsent(pattern, inventory::implicitLocalhost));
        }
        if (results.isEmpty() && !matchedGroup && !pattern.equals("all")) {
            warnings.add("Could not match supplied host pattern, ignoring: " + pattern);
        }
        return results;
    }

    private static boolean matches(Pattern compiled, String pattern, String name) {
        return pattern.startsWith("~") ? compiled.matcher(name).lookingAt() : compiled.matcher(name).matches();
    }

    private static Pattern compile(String pattern) {
        try {
            return pattern.startsWith("~") ? Pattern.compile(pattern.substring(1)) : Pattern.compile(globToRegex(pattern), Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new InventoryException("Invalid host list pattern: " + pattern + " (" + e.getDescription() + ")");
        }
    }

    /** Python's {@code fnmatch.translate}: {@code * ? [seq] [!seq]}, everything else literal. */
    static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int j = i + 1;
                if (j < n && glob.charAt(j) == '!') j++;
                if (j < n && glob.charAt(j) == ']') j++;
                while (j < n && glob.charAt(j) != ']') j++;
                if (j >= n) {
                    re.append("\\[");
                } else {
                    String body = glob.substring(i + 1, j).replace("\\", "\\\\").replace("[", "\\[").replace("&&", "\\&\\&");
                    if (body.startsWith("!")) body = "^" + body.substring(1);
                    else if (body.startsWith("^")) body = "\\" + body;
                    re.append('[').append(body).append(']');
                    i = j;
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }

    private static Set<String> names(List<Host> hosts) {
        Set<String> names = new HashSet<>(hosts.size() * 2);
        for (Host h : hosts) names.add(h.name());
        return names;
    }
}
