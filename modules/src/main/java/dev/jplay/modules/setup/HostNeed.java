package dev.jplay.modules.setup;

/**
 * Something the container runtime needs from a host: a program a package provides, or a kernel feature no package
 * can add. {@code plugin} is the CNI plugin's name for {@link Kind#CNI_PLUGIN}.
 */
public record HostNeed(Kind kind, String plugin) {
    public enum Kind {
        RUNC("runc"), CNI_PLUGIN("CNI plugin"), SETFATTR("setfattr"), IPTABLES("iptables"), NFT("nft"),
        OVERLAYFS("overlay file system"), CGROUPS("cgroup mounts"),
        /** The containers' log writer (LogWriterScript) is a Perl script: perl-base is Essential on Debian/Ubuntu. */
        PERL("perl");

        final String what;

        Kind(String what) { this.what = what; }

        /** Kernel features: jplay can report them missing, not install them. */
        boolean isKernel() { return this == OVERLAYFS || this == CGROUPS; }
    }

    public static HostNeed of(Kind kind) {
        return new HostNeed(kind, null);
    }

    public static HostNeed cni(String plugin) {
        return new HostNeed(Kind.CNI_PLUGIN, plugin);
    }

    /** "runc", "CNI plugin bridge", "overlay file system". */
    public String describe() {
        return plugin == null ? kind.what : kind.what + " " + plugin;
    }
}
