package dev.jplay.runtime.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf}, as Docker gives them: files
 * of the bundle, bind-mounted over the image's, so that names resolve inside the container.
 *
 * <ul>
 *   <li>{@code network_mode: host}: the host's {@code hosts} and {@code resolv.conf}, copied.</li>
 *   <li>A network namespace of its own: {@code localhost} entries and the hostname, and the host's resolvers
 *   without the loopback ones (a resolver on the host's 127.0.0.1 is not reachable from another namespace). When
 *   the host's file names only a local stub (systemd-resolved's 127.0.0.53), systemd-resolved's list of upstream
 *   servers is used instead, as Docker does.</li>
 * </ul>
 * Each container gets its own copies (written when its bundle is), so what it writes there stays its own. A path
 * the task mounts itself ({@code mounts: [/srv/resolv.conf:/etc/resolv.conf]}) is left to that mount.
 */
final class EtcFiles {
    static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    static final Path SYSTEMD_RESOLV_CONF = Path.of("/run/systemd/resolve/resolv.conf");
    static final Path HOST_HOSTS = Path.of("/etc/hosts");

    private final Path hostResolvConf;
    private final Path systemdResolvConf;
    private final Path hostHosts;

    EtcFiles() {
        this(HOST_RESOLV_CONF, SYSTEMD_RESOLV_CONF, HOST_HOSTS);
    }

    EtcFiles(Path hostResolvConf, Path systemdResolvConf, Path hostHosts) {
        this.hostResolvConf = hostResolvConf;
        this.systemdResolvConf = systemdResolvConf;
        this.hostHosts = hostHosts;
    }

    /** Writes the three files into {@code bundleDir}; returns their bind mounts for config.json, in order. */
    List<Map<String, Object>> write(Path bundleDir, ContainerSpec spec) throws IOException {
        boolean hostNetwork = spec.networkMode().kind() == NetworkMode.Kind.HOST;
        String hostname = ProcessArgs.hostname(spec);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("hostname", hostname + "\n");
        files.put("hosts", hostNetwork ? readOr(hostHosts, hosts(hostname)) : hosts(hostname));
        files.put("resolv.conf", resolvConf(readOr(hostResolvConf, ""), readOr(systemdResolvConf, null), !hostNetwork));
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            String destination = "/etc/" + file.getKey();
            if (spec.mounts().stream().anyMatch(m -> m.target().equals(destination))) continue; // the task's own wins
            Path path = bundleDir.resolve(file.getKey());
            ContainerFiles.writeAtomically(path, file.getValue());
            Map<String, Object> mount = new LinkedHashMap<>();
            mount.put("destination", destination);
            mount.put("type", "bind");
            mount.put("source", path.toString());
            mount.put("options", List.of("rbind", "rprivate"));
            mounts.add(mount);
        }
        return mounts;
    }

    /** localhost for IPv4 and IPv6, and the hostname on 127.0.1.1 (as Debian names its own host). */
    static String hosts(String hostname) {
        return "127.0.0.1\tlocalhost\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n"
                + "127.0.1.1\t" + hostname + "\n";
    }

    /**
     * The container's resolv.conf from the host's. In its own network namespace loopback resolvers are dropped; when
     * that leaves none, {@code systemdContent} (may be null) is tried the same way; options and search domains stay.
     */
    static String resolvConf(String hostContent, String systemdContent, boolean ownNetwork) {
        if (!ownNetwork) return hostContent;
        String filtered = withoutLoopbackResolvers(hostContent);
        if (!hasNameserver(filtered) && systemdContent != null) {
            String upstream = withoutLoopbackResolvers(systemdContent);
            if (hasNameserver(upstream)) return upstream;
        }
        if (!hasNameserver(filtered)) {
            filtered += "# jplay: the host's resolvers are all on loopback, which this container's network cannot reach\n";
        }
        return filtered;
    }

    private static String withoutLoopbackResolvers(String content) {
        StringBuilder out = new StringBuilder();
        for (String line : content.split("\n", -1)) {
            if (line.isEmpty()) continue;
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver") && isLoopback(words[1])) continue;
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private static boolean hasNameserver(String content) {
        for (String line : content.split("\n")) {
            if (line.strip().startsWith("nameserver")) return true;
        }
        return false;
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equalsIgnoreCase("0:0:0:0:0:0:0:1");
    }

    private static String readOr(Path file, String fallback) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }
}
