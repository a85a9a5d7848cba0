package dev.jplay.protocol;

import java.time.Duration;
import java.util.Map;

/**
 * Each agent module's default deadline: how long a request may run when its task sets no {@code timeout:} (and
 * the run no {@code --task-timeout}). The agent ends a request at its deadline; the controller stops waiting a
 * few seconds later. The table is documented in docs/deadlines.md (a test keeps the two equal).
 */
public final class ModuleDeadlines {
    /** For a module the table does not name. */
    public static final Duration FALLBACK = Duration.ofMinutes(10);

    private static final Map<String, Duration> DEFAULTS = Map.ofEntries(
            Map.entry("ping", Duration.ofSeconds(30)),
            Map.entry("stat", Duration.ofMinutes(5)),           // a checksum reads the whole file: 5 min is ~100 GB here
            Map.entry("file", Duration.ofMinutes(10)),          // recurse over a large tree
            Map.entry("copy", Duration.ofMinutes(10)),          // copy and template
            Map.entry("container_info", Duration.ofMinutes(2)),
            Map.entry("container_logs", Duration.ofMinutes(1)), // about 1 MiB of log files per call
            Map.entry("fleet_service", Duration.ofMinutes(2)),  // one nft -f and a conntrack per removed UDP backend, each within its own deadline
            Map.entry("pool_routes", Duration.ofMinutes(5)),    // an ip route per other host (ms each), each command within 20 s
            Map.entry("fleet_leave", Duration.ofMinutes(5)),    // an nft -f per service, an ip route / iptables -D per route and rule (ms each)
            Map.entry("setup", Duration.ofSeconds(60)),         // reads local files: ~0.1 s; network mounts are not statted
            Map.entry("command", Duration.ofHours(1)),          // builds, migrations: long, but not endless
            Map.entry("shell", Duration.ofHours(1)),
            Map.entry("wait_for", Duration.ofHours(1)),         // its own timeout (300 s by default) ends it first
            Map.entry("image", Duration.ofHours(1)),            // a pull also fails after pull_progress_timeout without a byte
            Map.entry("container", Duration.ofHours(1)),        // pull + unpack + start + health gate
            Map.entry("host_setup", Duration.ofHours(1)),      // package index + installs, each command within its timeout (600 s)
            Map.entry("container_exec", Duration.ofHours(1)), // jplay exec without --timeout: as command's, long but not endless
            Map.entry("lineinfile", Duration.ofMinutes(10)),    // like copy
            Map.entry("blockinfile", Duration.ofMinutes(10)),
            Map.entry("apt", Duration.ofHours(1)),              // package index + installs, like host_setup
            Map.entry("package", Duration.ofHours(1)),
            Map.entry("service", Duration.ofMinutes(10)),       // a service's own start may take minutes
            Map.entry("systemd", Duration.ofMinutes(10)),
            Map.entry("systemd_service", Duration.ofMinutes(10)),
            Map.entry("uri", Duration.ofMinutes(10)),           // its own timeout (30 s) ends it first
            Map.entry("get_url", Duration.ofHours(1)),          // a large download; connecting is bounded by its timeout (10 s)
            Map.entry("unarchive", Duration.ofHours(1)),        // a large archive
            Map.entry("user", Duration.ofMinutes(10)),
            Map.entry("group", Duration.ofMinutes(10)),
            Map.entry("image_relay", Duration.ofMinutes(30)));  // one relayed blob copied into the store, or one image's unpack

    private ModuleDeadlines() {}

    public static Duration defaultFor(String module) {
        return DEFAULTS.getOrDefault(module, FALLBACK);
    }

    /** {@code timeout} if given, else the module's default. */
    public static Duration effective(String module, Duration timeout) {
        return timeout != null ? timeout : defaultFor(module);
    }

    /** The table, for documentation checks. */
    public static Map<String, Duration> table() { return DEFAULTS; }
}
