package dev.jplay.modules.facts;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a Linux host's facts the way Ansible's setup module names them (without the {@code ansible_} prefix),
 * from files under {@code root} ({@code /} on a host; a fixture tree in tests): /etc/os-release,
 * /etc/debian_version, /proc/sys/kernel, /proc/cpuinfo, /proc/meminfo, /proc/mounts, /proc/net/route,
 * /proc/net/ipv6_route, /sys/class/net; addresses from the JVM's {@link NetworkInterface} (netlink underneath).
 * Nothing here starts a process or resolves a name: the fqdn is the node name, else the /etc/hosts name with
 * a dot for it.
 */
public final class FactsCollector {
    private final Path root;
    private final List<Iface> interfaces;

    /** One interface's addresses, as the facts need them. */
    public record Iface(String name, boolean up, int mtu, String mac, boolean loopback, List<Addr> addresses) {}

    /** An address with its prefix length. */
    public record Addr(String address, int prefix, boolean ipv6, String scope, String broadcast) {
        /** An address whose broadcast is the usual one of its network (fixtures). */
        public Addr(String address, int prefix, boolean ipv6, String scope) {
            this(address, prefix, ipv6, scope, null);
        }
    }

    public FactsCollector(Path root) {
        this(root, null);
    }

    /** {@code interfaces}: the host's interfaces (null: read them from the JVM). */
    public FactsCollector(Path root, List<Iface> interfaces) {
        this.root = root;
        this.interfaces = interfaces;
    }

    public Map<String, Object> collect(Set<String> subsets) {
        Map<String, Object> f = new LinkedHashMap<>();
        if (subsets.contains("min")) {
            platform(f);
            distribution(f);
            f.put("user_id", System.getProperty("user.name"));
            f.put("env", new TreeMap<>(System.getenv()));
            f.put("pkg_mgr", pkgMgr());
            f.put("service_mgr", Files.isDirectory(root.resolve("run/systemd/system")) ? "systemd"
                    : firstLine("proc/1/comm").orElse("unknown"));
            dateTime(f);
        }
        if (subsets.contains("hardware")) {
            processors(f);
            memory(f);
            f.put("mounts", mounts());
            firstLine("proc/uptime").ifPresent(u -> f.put("uptime_seconds", (long) Double.parseDouble(u.split("\\s+")[0])));
        }
        if (subsets.contains("network")) network(f);
        if (subsets.contains("virtual")) {
            f.put("virtualization_type", Files.exists(root.resolve(".dockerenv")) ? "docker" : "NA");
            f.put("virtualization_role", Files.exists(root.resolve(".dockerenv")) ? "guest" : "NA");
        }
        return f;
    }

    private void platform(Map<String, Object> f) {
        String nodename = firstLine("proc/sys/kernel/hostname").orElse("localhost");
        String hostname = nodename.contains(".") ? nodename.substring(0, nodename.indexOf('.')) : nodename;
        String fqdn = nodename.contains(".") ? nodename : hostsFqdn(nodename);
        f.put("hostname", hostname);
        f.put("nodename", nodename);
        f.put("fqdn", fqdn);
        f.put("domain", fqdn.contains(".") ? fqdn.substring(fqdn.indexOf('.') + 1) : "");
        f.put("system", "Linux");
        f.put("kernel", firstLine("proc/sys/kernel/osrelease").orElse(""));
        f.put("kernel_version", firstLine("proc/sys/kernel/version").orElse(""));
        f.put("architecture", architecture());
        f.put("machine", architecture());
        f.put("userspace_architecture", architecture());
        firstLine("etc/machine-id").ifPresent(id -> f.put("machine_id", id));
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "x86", "i386", "i686" -> "i386";
            case "arm64", "aarch64" -> "aarch64";
            default -> arch;
        };
    }

    /**
     * Python's {@code socket.getfqdn()} as Ansible calls it, answered from /etc/hosts only: the node name's address,
     * then the names of the first line holding that address; the first with a dot, else the first. Without an
     * /etc/hosts entry, the node name (where Ansible would ask DNS).
     */
    private String hostsFqdn(String name) {
        List<List<String>> entries = new ArrayList<>();
        for (String line : lines("etc/hosts")) {
            String l = line.replaceAll("#.*", "").strip();
            if (!l.isEmpty() && l.split("\\s+").length > 1) entries.add(List.of(l.split("\\s+")));
        }
        String address = null;
        for (List<String> e : entries) {
            if (e.subList(1, e.size()).contains(name)) {
                address = e.get(0);
                break;
            }
        }
        if (address == null) return name;
        for (List<String> e : entries) {
            if (!e.get(0).equals(address)) continue;
            List<String> names = e.subList(1, e.size());
            for (String n : names) if (n.contains(".")) return n;
            return names.get(0);
        }
        return name;
    }

    private static final Map<String, String> DISTRIBUTIONS = Map.ofEntries(Map.entry("debian", "Debian"),
            Map.entry("ubuntu", "Ubuntu"), Map.entry("centos", "CentOS"), Map.entry("rhel", "RedHat"),
            Map.entry("fedora", "Fedora"), Map.entry("rocky", "Rocky"), Map.entry("almalinux", "AlmaLinux"),
            Map.entry("ol", "OracleLinux"), Map.entry("amzn", "Amazon"), Map.entry("alpine", "Alpine"),
            Map.entry("arch", "Archlinux"), Map.entry("opensuse-leap", "openSUSE Leap"), Map.entry("sles", "SLES"),
            Map.entry("linuxmint", "Linux Mint"), Map.entry("raspbian", "Debian"), Map.entry("kali", "Kali"));
    private static final Map<String, String> FAMILIES = Map.ofEntries(Map.entry("Debian", "Debian"),
            Map.entry("Ubuntu", "Debian"), Map.entry("Linux Mint", "Debian"), Map.entry("Kali", "Debian"),
            Map.entry("CentOS", "RedHat"), Map.entry("RedHat", "RedHat"), Map.entry("Fedora", "RedHat"),
            Map.entry("Rocky", "RedHat"), Map.entry("AlmaLinux", "RedHat"), Map.entry("OracleLinux", "RedHat"),
            Map.entry("Amazon", "RedHat"), Map.entry("Alpine", "Alpine"), Map.entry("Archlinux", "Archlinux"),
            Map.entry("openSUSE Leap", "Suse"), Map.entry("SLES", "Suse"));

    /**
     * Ansible's distribution facts from /etc/os-release. Debian's point release (/etc/debian_version) only where
     * lsb_release is installed: Ansible takes the most precise of os-release's VERSION_ID ("12") and
     * {@code lsb_release -r} (which reads /etc/debian_version), so without it the version is "12" (seen with
     * ansible-core 2.14 on a minimal Debian 12 host, and "12.11" on one with lsb-release).
     */
    void distribution(Map<String, Object> f) {
        Map<String, String> os = osRelease();
        String id = os.getOrDefault("ID", "").toLowerCase(Locale.ROOT);
        String name = DISTRIBUTIONS.getOrDefault(id, os.getOrDefault("NAME", "OtherLinux"));
        String version = os.getOrDefault("VERSION_ID", "NA");
        if (name.equals("Debian") && Files.exists(root.resolve("usr/bin/lsb_release"))) {
            String debian = firstLine("etc/debian_version").orElse("");
            if (debian.matches("\\d+(\\.\\d+)*")) version = debian;
        }
        String release = os.getOrDefault("VERSION_CODENAME", os.getOrDefault("UBUNTU_CODENAME", "NA"));
        if (name.equals("Alpine") || name.equals("Archlinux")) release = "NA";
        f.put("distribution", name);
        f.put("distribution_version", version);
        f.put("distribution_major_version", version.split("\\.")[0]);
        f.put("distribution_release", release.isEmpty() ? "NA" : release);
        f.put("os_family", FAMILIES.getOrDefault(name, name));
    }

    private Map<String, String> osRelease() {
        List<String> lines = lines("etc/os-release");
        if (lines.isEmpty()) lines = lines("usr/lib/os-release");
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq <= 0 || line.startsWith("#")) continue;
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.endsWith(v.substring(0, 1))) {
                v = v.substring(1, v.length() - 1);
            }
            out.put(line.substring(0, eq).strip(), v);
        }
        return out;
    }

    private String pkgMgr() {
        for (String[] pm : new String[][] {{"usr/bin/apt-get", "apt"}, {"usr/bin/dnf", "dnf"}, {"usr/bin/yum", "yum"},
                {"sbin/apk", "apk"}, {"usr/bin/pacman", "pacman"}, {"usr/bin/zypper", "zypper"}}) {
            if (Files.exists(root.resolve(pm[0]))) return pm[1];
        }
        return "unknown";
    }

    /**
     * Formatted by hand: DateTimeFormatter and locale names cost ~0.5 s of class loading in a cold agent, and the
     * time-zone database ~0.1 s, which a host on UTC (TZ or /etc/localtime) does not need (measured here).
     */
    private void dateTime(Map<String, Object> f) {
        OffsetDateTime now = OffsetDateTime.now(zone());
        OffsetDateTime utc = now.withOffsetSameInstant(ZoneOffset.UTC);
        String date = now.getYear() + "-" + two(now.getMonthValue()) + "-" + two(now.getDayOfMonth());
        String time = two(now.getHour()) + ":" + two(now.getMinute()) + ":" + two(now.getSecond());
        int offsetMinutes = now.getOffset().getTotalSeconds() / 60;
        String weekday = now.getDayOfWeek().name();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("year", String.valueOf(now.getYear()));
        d.put("month", two(now.getMonthValue()));
        d.put("day", two(now.getDayOfMonth()));
        d.put("hour", two(now.getHour()));
        d.put("minute", two(now.getMinute()));
        d.put("second", two(now.getSecond()));
        d.put("date", date);
        d.put("time", time);
        d.put("epoch", String.valueOf(now.toEpochSecond()));
        d.put("iso8601", utc.getYear() + "-" + two(utc.getMonthValue()) + "-" + two(utc.getDayOfMonth()) + "T"
                + two(utc.getHour()) + ":" + two(utc.getMinute()) + ":" + two(utc.getSecond()) + "Z");
        d.put("tz_offset", (offsetMinutes < 0 ? "-" : "+") + two(Math.abs(offsetMinutes) / 60) + two(Math.abs(offsetMinutes) % 60));
        d.put("weekday", weekday.charAt(0) + weekday.substring(1).toLowerCase(Locale.ROOT));
        f.put("date_time", d);
    }

    private java.time.ZoneId zone() {
        String tz = System.getenv("TZ");
        if (tz == null) {
            try {
                tz = Files.readSymbolicLink(root.resolve("etc/localtime")).toString();
            } catch (IOException | RuntimeException e) {
                tz = Files.exists(root.resolve("etc/localtime")) ? null : "UTC";
            }
        }
        if (tz != null && (tz.equals("UTC") || tz.equals(":UTC") || tz.endsWith("/UTC") || tz.endsWith("/UCT")
                || tz.endsWith("/Universal") || tz.endsWith("/Zulu"))) {
            return ZoneOffset.UTC;
        }
        return java.time.ZoneId.systemDefault();
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }

    /** processor_count (sockets), processor_cores (cores per socket), processor_vcpus, processor_threads_per_core. */
    void processors(Map<String, Object> f) {
        int vcpus = 0;
        Set<String> sockets = new LinkedHashSet<>();
        int cores = 0;
        int siblings = 0;
        List<String> models = new ArrayList<>();
        for (String line : lines("proc/cpuinfo")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "processor" -> {
                    vcpus++;
                    models.add(value);
                }
                case "physical id" -> sockets.add(value);
                case "cpu cores" -> cores = Integer.parseInt(value);
                case "siblings" -> siblings = Integer.parseInt(value);
                case "model name" -> models.add(value);
                default -> { }
            }
        }
        int sockets_ = Math.max(1, sockets.size());
        if (cores == 0) cores = Math.max(1, vcpus / sockets_);
        f.put("processor", models);
        f.put("processor_count", sockets_);
        f.put("processor_cores", cores);
        f.put("processor_threads_per_core", siblings > 0 ? Math.max(1, siblings / cores) : 1);
        f.put("processor_vcpus", vcpus > 0 ? vcpus : Runtime.getRuntime().availableProcessors());
        f.put("processor_nproc", Runtime.getRuntime().availableProcessors());
    }

    void memory(Map<String, Object> f) {
        Map<String, Long> kb = new LinkedHashMap<>();
        for (String line : lines("proc/meminfo")) {
            String[] p = line.split(":\\s*|\\s+");
            if (p.length >= 2 && p[1].matches("\\d+")) kb.put(p[0], Long.parseLong(p[1]));
        }
        f.put("memtotal_mb", kb.getOrDefault("MemTotal", 0L) / 1024);
        f.put("memfree_mb", kb.getOrDefault("MemFree", 0L) / 1024);
        f.put("swaptotal_mb", kb.getOrDefault("SwapTotal", 0L) / 1024);
        f.put("swapfree_mb", kb.getOrDefault("SwapFree", 0L) / 1024);
        Map<String, Object> real = new LinkedHashMap<>();
        real.put("total", kb.getOrDefault("MemTotal", 0L) / 1024);
        real.put("free", kb.getOrDefault("MemFree", 0L) / 1024);
        real.put("used", (kb.getOrDefault("MemTotal", 0L) - kb.getOrDefault("MemFree", 0L)) / 1024);
        Map<String, Object> mb = new LinkedHashMap<>();
        mb.put("real", real);
        f.put("memory_mb", mb);
    }

    private static final Set<String> NETWORK_FILESYSTEMS = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph",
            "glusterfs", "9p", "afs", "sshfs");

    /** As Ansible: only mounts of a device (a path) or a network source ({@code host:/path}); sizes from statvfs. */
    List<Object> mounts() {
        List<Object> out = new ArrayList<>();
        for (String line : lines("proc/mounts")) {
            String[] p = line.split("\\s+");
            if (p.length < 4) continue;
            String device = unescape(p[0]);
            if (!device.startsWith("/") && !device.contains(":/")) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            String mount = unescape(p[1]);
            m.put("mount", mount);
            m.put("device", device);
            m.put("fstype", p[2]);
            m.put("options", p[3]);
            if (NETWORK_FILESYSTEMS.contains(p[2]) || p[2].startsWith("fuse.")) {
                // statvfs on a dead server blocks without end: these keep their size unknown (0), like no answer.
                m.put("size_total", 0L);
                m.put("size_available", 0L);
                m.put("uuid", "N/A");
                out.add(m);
                continue;
            }
            try {
                FileStore store = Files.getFileStore(root.resolve(mount.substring(1)));
                long block = store.getBlockSize();
                m.put("size_total", store.getTotalSpace());
                m.put("size_available", store.getUsableSpace());
                m.put("block_size", block);
                m.put("block_total", store.getTotalSpace() / block);
                m.put("block_available", store.getUsableSpace() / block);
                m.put("block_used", (store.getTotalSpace() - store.getUnallocatedSpace()) / block);
            } catch (IOException | RuntimeException e) {
                m.put("size_total", 0L);
                m.put("size_available", 0L);
            }
            m.put("uuid", "N/A");
            out.add(m);
        }
        return out;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    void network(Map<String, Object> f) {
        List<Iface> ifaces = interfaces != null ? interfaces : liveInterfaces();
        List<Object> names = new ArrayList<>();
        List<Object> all4 = new ArrayList<>();
        List<Object> all6 = new ArrayList<>();
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Iface i : ifaces) {
            names.add(i.name());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("device", i.name());
            d.put("active", i.up());
            d.put("mtu", i.mtu());
            if (i.mac() != null) d.put("macaddress", i.mac());
            d.put("type", i.loopback() ? "loopback" : firstLine("sys/class/net/" + i.name() + "/bridge/bridge_id")
                    .map(x -> "bridge").orElse("ether"));
            d.put("promisc", false);
            List<Object> v6 = new ArrayList<>();
            List<Object> secondaries = new ArrayList<>();
            for (Addr a : i.addresses()) {
                if (a.ipv6()) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("address", a.address());
                    x.put("prefix", String.valueOf(a.prefix()));
                    x.put("scope", a.scope());
                    v6.add(x);
                    if (!a.address().equals("::1")) all6.add(a.address());
                } else {
                    Map<String, Object> x = ipv4(a);
                    if (d.containsKey("ipv4")) secondaries.add(x);
                    else d.put("ipv4", x);
                    if (!a.address().startsWith("127.")) all4.add(a.address());
                }
            }
            if (!secondaries.isEmpty()) d.put("ipv4_secondaries", secondaries);
            if (!v6.isEmpty()) d.put("ipv6", v6);
            byName.put(i.name(), d);
            f.put(i.name().replace('-', '_').replace('.', '_').replace(':', '_'), d);
        }
        f.put("interfaces", names);
        f.put("all_ipv4_addresses", all4);
        f.put("all_ipv6_addresses", all6);
        f.put("default_ipv4", defaultV4(byName));
        f.put("default_ipv6", defaultV6(byName));
    }

    static Map<String, Object> ipv4(Addr a) {
        long ip = v4(a.address());
        long mask = a.prefix() == 0 ? 0 : (0xFFFFFFFFL << (32 - a.prefix())) & 0xFFFFFFFFL;
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("address", a.address());
        x.put("broadcast", a.broadcast() != null ? a.broadcast()
                : a.prefix() >= 31 ? "" : dotted((ip & mask) | (~mask & 0xFFFFFFFFL)));
        x.put("netmask", dotted(mask));
        x.put("network", dotted(ip & mask));
        x.put("prefix", String.valueOf(a.prefix()));
        return x;
    }

    private static long v4(String dotted) {
        long out = 0;
        for (String p : dotted.split("\\.")) out = out << 8 | Long.parseLong(p);
        return out;
    }

    private static String dotted(long ip) {
        return (ip >> 24 & 255) + "." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255);
    }

    /** The interface of the default route (/proc/net/route), with its first address and the gateway. */
    Map<String, Object> defaultV4(Map<String, Map<String, Object>> byName) {
        for (String line : lines("proc/net/route")) {
            String[] p = line.strip().split("\\s+");
            if (p.length < 8 || !p[1].equals("00000000") || !p[7].equals("00000000")) continue;
            long gw = Long.parseLong(p[2], 16);
            String gateway = (gw & 255) + "." + (gw >> 8 & 255) + "." + (gw >> 16 & 255) + "." + (gw >> 24 & 255);
            return defaultOf(byName.get(p[0]), p[0], gateway, "ipv4");
        }
        return Map.of();
    }

    Map<String, Object> defaultV6(Map<String, Map<String, Object>> byName) {
        for (String line : lines("proc/net/ipv6_route")) {
            String[] p = line.strip().split("\\s+");
            if (p.length < 10 || !p[0].matches("0{32}") || !p[1].equals("00") || p[9].equals("lo")) continue;
            String gateway = v6(p[4]);
            return defaultOf(byName.get(p[9]), p[9], gateway, "ipv6");
        }
        return Map.of();
    }

    private static String v6(String hex) {
        try {
            byte[] b = new byte[16];
            for (int i = 0; i < 16; i++) b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            return compress(java.net.InetAddress.getByAddress(b).getHostAddress());
        } catch (IOException e) {
            return hex;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> defaultOf(Map<String, Object> iface, String name, String gateway, String family) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (iface != null) {
            Object addr = iface.get(family);
            if (addr instanceof Map<?, ?> a) out.putAll((Map<String, Object>) a);
            else if (addr instanceof List<?> l && !l.isEmpty()) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m && "global".equals(m.get("scope"))) {
                        out.putAll((Map<String, Object>) m);
                        break;
                    }
                }
            }
        }
        out.put("gateway", gateway);
        out.put("interface", name);
        out.put("alias", name);
        if (iface != null) {
            if (iface.containsKey("macaddress")) out.put("macaddress", iface.get("macaddress"));
            out.put("mtu", iface.get("mtu"));
            out.put("type", iface.get("type"));
        }
        return out;
    }

    private static List<Iface> liveInterfaces() {
        List<Iface> out = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (n.isVirtual()) continue;
                List<Addr> addrs = new ArrayList<>();
                for (InterfaceAddress ia : n.getInterfaceAddresses()) {
                    if (ia.getAddress() instanceof Inet4Address a) {
                        // The kernel's broadcast, as `ip addr` shows it (Ansible's source): none is "".
                        InetAddress brd = ia.getBroadcast();
                        String broadcast = brd == null || brd.isAnyLocalAddress() ? "" : brd.getHostAddress();
                        addrs.add(new Addr(a.getHostAddress(), ia.getNetworkPrefixLength(), false, null, broadcast));
                    } else if (ia.getAddress() instanceof Inet6Address a) {
                        String text = a.getHostAddress();
                        int pct = text.indexOf('%');
                        if (pct >= 0) text = text.substring(0, pct);
                        String scope = a.isLoopbackAddress() ? "host" : a.isLinkLocalAddress() ? "link" : "global";
                        addrs.add(new Addr(compress(text), ia.getNetworkPrefixLength(), true, scope, null));
                    }
                }
                // The JVM lists addresses newest first; Ansible (ip addr) shows the primary one first.
                Collections.reverse(addrs);
                byte[] mac = n.getHardwareAddress();
                out.add(new Iface(n.getName(), n.isUp(), n.getMTU(), mac == null ? null : mac(mac), n.isLoopback(), addrs));
            }
        } catch (SocketException e) {
            return out;
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    private static String mac(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            if (s.length() > 0) s.append(':');
            s.append(Character.forDigit(x >> 4 & 15, 16)).append(Character.forDigit(x & 15, 16));
        }
        return s.toString();
    }

    /** Java writes fe80:0:0:0:1:2:3:4; Ansible (ip) writes fe80::1:2:3:4. */
    static String compress(String full) {
        String[] parts = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) j++;
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) return full;
        return String.join(":", java.util.Arrays.copyOfRange(parts, 0, bestStart)) + "::"
                + String.join(":", java.util.Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
    }

    private java.util.Optional<String> firstLine(String relative) {
        List<String> l = lines(relative);
        return l.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(l.get(0).strip());
    }

    private List<String> lines(String relative) {
        try {
            return Files.readAllLines(root.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
