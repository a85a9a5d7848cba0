package dev.jplay.modules.setup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A distribution's package manager, what it calls the packages that provide each {@link HostNeed}, and how to
 * install them without questions. Chosen from /etc/os-release's {@code ID} and {@code ID_LIKE}. Only apt is
 * exercised against real hosts in jplay's tests (the test fleet is Debian); dnf and apk are unit-tested mappings.
 */
public enum PackageManager {
    APT("apt", Map.of(HostNeed.Kind.RUNC, "runc", HostNeed.Kind.CNI_PLUGIN, "containernetworking-plugins",
            HostNeed.Kind.SETFATTR, "attr", HostNeed.Kind.IPTABLES, "iptables", HostNeed.Kind.NFT, "nftables",
            HostNeed.Kind.PERL, "perl-base")),
    DNF("dnf", Map.of(HostNeed.Kind.RUNC, "runc", HostNeed.Kind.CNI_PLUGIN, "containernetworking-plugins",
            HostNeed.Kind.SETFATTR, "attr", HostNeed.Kind.IPTABLES, "iptables-nft", HostNeed.Kind.NFT, "nftables",
            HostNeed.Kind.PERL, "perl-interpreter")),
    APK("apk", Map.of(HostNeed.Kind.RUNC, "runc", HostNeed.Kind.CNI_PLUGIN, "cni-plugins",
            HostNeed.Kind.SETFATTR, "attr", HostNeed.Kind.IPTABLES, "iptables", HostNeed.Kind.NFT, "nftables",
            HostNeed.Kind.PERL, "perl"));

    private static final Set<String> APT_IDS = Set.of("debian", "ubuntu", "raspbian", "linuxmint", "pop");
    private static final Set<String> DNF_IDS = Set.of("fedora", "rhel", "centos", "rocky", "almalinux", "ol", "amzn");
    private static final Set<String> APK_IDS = Set.of("alpine");

    private final String id;
    private final Map<HostNeed.Kind, String> packages;

    PackageManager(String id, Map<HostNeed.Kind, String> packages) {
        this.id = id;
        this.packages = packages;
    }

    public String id() { return id; }

    /** The package manager of the distribution /etc/os-release describes ({@code ID}, then each of {@code ID_LIKE}). */
    public static Optional<PackageManager> forOsRelease(Map<String, String> osRelease) {
        List<String> ids = new ArrayList<>();
        String id = osRelease.get("ID");
        if (id != null) ids.add(id);
        String like = osRelease.get("ID_LIKE");
        if (like != null) ids.addAll(List.of(like.strip().split("\\s+")));
        for (String raw : ids) {
            String i = raw.toLowerCase(Locale.ROOT);
            if (APT_IDS.contains(i)) return Optional.of(APT);
            if (DNF_IDS.contains(i)) return Optional.of(DNF);
            if (APK_IDS.contains(i)) return Optional.of(APK);
        }
        return Optional.empty();
    }

    /** The packages that provide {@code needs}, each once, in order; kernel features have none. */
    public List<String> packagesFor(List<HostNeed> needs) {
        Set<String> out = new LinkedHashSet<>();
        for (HostNeed n : needs) {
            String p = packages.get(n.kind());
            if (p != null) out.add(p);
        }
        return List.copyOf(out);
    }

    /** The commands that install {@code pkgs}, non-interactively, in order (apt refreshes its lists first). */
    public List<List<String>> installCommands(List<String> pkgs) {
        List<String> install = new ArrayList<>();
        return switch (this) {
            case APT -> {
                install.addAll(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
                install.addAll(pkgs);
                yield List.of(List.of("apt-get", "update", "-q"), install);
            }
            case DNF -> {
                install.addAll(List.of("dnf", "install", "-y", "-q"));
                install.addAll(pkgs);
                yield List.of(install);
            }
            case APK -> {
                install.addAll(List.of("apk", "add", "--no-cache", "-q"));
                install.addAll(pkgs);
                yield List.of(install);
            }
        };
    }

    /** /etc/os-release's KEY=VALUE lines (values unquoted). */
    public static Map<String, String> parseOsRelease(String text) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.startsWith("#") || eq < 1) continue;
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            out.put(line.substring(0, eq).strip(), v);
        }
        return out;
    }
}
