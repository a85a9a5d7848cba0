package dev.jplay.modules.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The distribution's package manager and package names. Only apt runs against real hosts in the tests (the fleet is
 * Debian); the dnf and apk mappings are checked here against the names those distributions use.
 */
class PackageManagerTest {
    private static final List<HostNeed> CONTAINERS = List.of(HostNeed.of(HostNeed.Kind.RUNC), HostNeed.cni("bridge"),
            HostNeed.cni("loopback"), HostNeed.of(HostNeed.Kind.SETFATTR), HostNeed.of(HostNeed.Kind.OVERLAYFS));

    private static Optional<PackageManager> of(String osRelease) {
        return PackageManager.forOsRelease(PackageManager.parseOsRelease(osRelease));
    }

    @Test
    void chosenFromOsRelease() {
        assertEquals(Optional.of(PackageManager.APT), of("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"));
        assertEquals(Optional.of(PackageManager.APT), of("ID=ubuntu\nID_LIKE=debian\n"));
        assertEquals(Optional.of(PackageManager.APT), of("ID=elementary\nID_LIKE=\"ubuntu debian\"\n"), "by ID_LIKE");
        assertEquals(Optional.of(PackageManager.DNF), of("ID=fedora\n"));
        assertEquals(Optional.of(PackageManager.DNF), of("ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n"));
        assertEquals(Optional.of(PackageManager.APK), of("ID=alpine\n"));
        assertEquals(Optional.empty(), of("ID=gentoo\n"));
    }

    @Test
    void packagesPerDistributionEachOnceKernelFeaturesNone() {
        assertEquals(List.of("runc", "containernetworking-plugins", "attr"), PackageManager.APT.packagesFor(CONTAINERS));
        assertEquals(List.of("runc", "containernetworking-plugins", "attr"), PackageManager.DNF.packagesFor(CONTAINERS));
        assertEquals(List.of("runc", "cni-plugins", "attr"), PackageManager.APK.packagesFor(CONTAINERS));
        assertEquals(List.of("iptables-nft", "nftables"),
                PackageManager.DNF.packagesFor(List.of(HostNeed.of(HostNeed.Kind.IPTABLES), HostNeed.of(HostNeed.Kind.NFT))));
        HostNeed perl = HostNeed.of(HostNeed.Kind.PERL); // the containers' log writer
        assertEquals(List.of("perl-base"), PackageManager.APT.packagesFor(List.of(perl)));
        assertEquals(List.of("perl-interpreter"), PackageManager.DNF.packagesFor(List.of(perl)));
        assertEquals(List.of("perl"), PackageManager.APK.packagesFor(List.of(perl)));
    }

    @Test
    void nonInteractiveInstallCommands() {
        assertEquals(List.of(List.of("apt-get", "update", "-q"),
                        List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "runc", "attr")),
                PackageManager.APT.installCommands(List.of("runc", "attr")));
        assertEquals(List.of(List.of("dnf", "install", "-y", "-q", "runc")), PackageManager.DNF.installCommands(List.of("runc")));
        assertEquals(List.of(List.of("apk", "add", "--no-cache", "-q", "cni-plugins")), PackageManager.APK.installCommands(List.of("cni-plugins")));
    }

    @Test
    void osReleaseQuotesAndComments() {
        assertEquals(Map.of("ID", "debian", "NAME", "Debian GNU/Linux", "X", "a'b"),
                PackageManager.parseOsRelease("# comment\nID=debian\nNAME=\"Debian GNU/Linux\"\nX=a'b\n\n"));
    }
}
