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

    /** The package manager of this host, from /etc/os-release ({@code SETUP_UNKNOWN_OS} when jplay knows none). */
    public static PackageManager ofHost() throws dev.jplay.modules.ModuleException {
        String text;
        try {
            text = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/os-release"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new dev.jplay.modules.ModuleException(dev.jplay.protocol.Step.SETUP, "SETUP_UNKNOWN_OS",
                    "cannot read /etc/os-release: " + e.getMessage(), e);
        }
        Map<String, String> os = parseOsRelease(text);
        return forOsRelease(os).orElseThrow(() -> new dev.jplay.modules.ModuleException(dev.jplay.protocol.Step.SETUP,
                "SETUP_UNKNOWN_OS", "no package manager known for " + os.getOrDefault("PRETTY_NAME",
                os.getOrDefault("ID", "this distribution")) + " (jplay knows apt, dnf and apk)").detail("id", os.get("ID")));
    }

    /** The command that installs {@code pkgs} (or, with {@code latest}, upgrades them), with no questions. */
    public List<String> installCommand(List<String> pkgs, boolean latest, Boolean installRecommends) {
        List<String> cmd = new ArrayList<>(switch (this) {
            case APT -> List.of("apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confdef",
                    "-o", "Dpkg::Options::=--force-confold");
            case DNF -> List.of("dnf", latest ? "upgrade" : "install", "-y", "-q");
            case APK -> latest ? List.of("apk", "add", "--no-cache", "-q", "--upgrade") : List.of("apk", "add", "--no-cache", "-q");
        });
        if (this == APT && installRecommends != null) cmd.addAll(List.of("-o", "APT::Install-Recommends=" + (installRecommends ? "yes" : "no")));
        if (this == DNF && installRecommends != null) cmd.add("--setopt=install_weak_deps=" + installRecommends);
        cmd.addAll(pkgs);
        return cmd;
    }

    /** The command that removes {@code pkgs} (apt: with their configuration when {@code purge}). */
    public List<String> removeCommand(List<String> pkgs, boolean purge) {
        List<String> cmd = new ArrayList<>(switch (this) {
            case APT -> List.of("apt-get", purge ? "purge" : "remove", "-y", "-q");
            case DNF -> List.of("dnf", "remove", "-y", "-q");
            case APK -> List.of("apk", "del", "-q");
        });
        cmd.addAll(pkgs);
        return cmd;
    }

    /** The command that lists which of {@code pkgs} are installed, read by {@link #parseInstalled}. */
    public List<String> queryCommand(List<String> pkgs) {
        List<String> cmd = new ArrayList<>(switch (this) {
            case APT -> List.of("dpkg-query", "-W", "-f=${Package}\t${db:Status-Abbrev}\t${Version}\n");
            case DNF -> List.of("rpm", "-q", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\n");
            case APK -> List.of("apk", "info", "-v");
        });
        if (this != APK) cmd.addAll(pkgs); // apk info -v lists every installed package as NAME-VERSION
        return cmd;
    }

    /**
     * Installed packages and their versions from {@link #queryCommand}'s output. apt: only status {@code ii}
     * counts ({@code rc}, removed with its configuration left, is not installed; {@code withConfig} counts it,
     * for purge).
     */
    public Map<String, String> parseInstalled(String output, List<String> asked, boolean withConfig) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String line : output.split("\n")) {
            switch (this) {
                case APT, DNF -> {
                    String[] f = line.split("\t");
                    if (this == APT && f.length == 3) {
                        String status = f[1].strip();
                        if (status.equals("ii") || status.equals("hi") || withConfig && status.startsWith("rc")) out.put(f[0], f[2]);
                    } else if (this == DNF && f.length == 2) {
                        out.put(f[0], f[1]);
                    }
                }
                case APK -> {
                    for (String name : asked) {
                        String prefix = name + "-";
                        if (line.startsWith(prefix) && line.length() > prefix.length()
                                && Character.isDigit(line.charAt(prefix.length()))) out.put(name, line.substring(prefix.length()));
                    }
                }
            }
        }
        return out;
    }

    /** The command that says which of {@code pkgs} have a newer version, read by {@link #parseUpgradable}; needs no root. */
    public List<String> upgradableCommand(List<String> pkgs) {
        List<String> cmd = new ArrayList<>(switch (this) {
            case APT -> List.of("apt-get", "install", "-s", "-q", "--no-remove");
            case DNF -> List.of("dnf", "-q", "check-update");
            case APK -> List.of("apk", "add", "-s", "--upgrade");
        });
        cmd.addAll(pkgs);
        return cmd;
    }

    /** The packages {@link #upgradableCommand} would install or upgrade. */
    public List<String> parseUpgradable(String output) {
        List<String> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.strip().split("\s+");
            switch (this) {
                case APT -> { if (f.length > 1 && f[0].equals("Inst")) out.add(f[1]); }
                case DNF -> { if (f.length == 3 && f[0].contains(".")) out.add(f[0].substring(0, f[0].lastIndexOf('.'))); }
                case APK -> {
                    // "(1/2) Upgrading busybox (1.36.1-r5 -> 1.36.1-r6)" / "(2/2) Installing curl (8.5.0-r0)"
                    if (f.length > 2 && f[0].startsWith("(") && (f[1].equals("Upgrading") || f[1].equals("Installing"))) out.add(f[2]);
                }
            }
        }
        return out;
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
