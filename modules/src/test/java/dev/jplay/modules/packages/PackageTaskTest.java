package dev.jplay.modules.packages;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.setup.PackageManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackageTaskTest {
    @Test
    void dpkgQueryOutputCountsOnlyInstalledPackages() {
        String out = "bash\tii \t5.2.15-2+b2\nvim\trc \t2:9.0\nfoo\tun \t\n";
        assertEquals(Map.of("bash", "5.2.15-2+b2"), PackageManager.APT.parseInstalled(out, List.of("bash", "vim", "foo"), false));
        assertEquals(Map.of("bash", "5.2.15-2+b2", "vim", "2:9.0"),
                PackageManager.APT.parseInstalled(out, List.of("bash", "vim", "foo"), true), "purge sees config-only packages");
    }

    @Test
    void simulatedInstallListsWhatWouldBeInstalledOrUpgraded() {
        String out = "Reading package lists...\nThe following packages will be upgraded:\n  curl\n"
                + "Inst curl [7.88.1-10] (7.88.1-10+deb12u5 Debian:12.5/stable [amd64])\nInst libcurl4 [7.88.1-10] (7.88.1-10+deb12u5 Debian)\n"
                + "Conf curl (7.88.1-10+deb12u5 Debian:12.5/stable [amd64])\n";
        assertEquals(List.of("curl", "libcurl4"), PackageManager.APT.parseUpgradable(out));
        assertEquals(List.of("curl"), PackageManager.DNF.parseUpgradable("\ncurl.x86_64   8.2.1-3.fc39   updates\n"));
        assertEquals(List.of("busybox"), PackageManager.APK.parseUpgradable("(1/1) Upgrading busybox (1.36.1-r5 -> 1.36.1-r6)\nOK: 10 MiB"));
    }

    @Test
    void rpmAndApkQueries() {
        assertEquals(Map.of("curl", "8.2.1-3.fc39"), PackageManager.DNF.parseInstalled(
                "curl\t8.2.1-3.fc39\npackage nope is not installed\n", List.of("curl", "nope"), false));
        assertEquals(Map.of("curl", "8.5.0-r0"), PackageManager.APK.parseInstalled(
                "curl-8.5.0-r0\ncurl-doc-8.5.0-r0\nmusl-1.2.4-r2\n", List.of("curl"), false));
        assertEquals(List.of("rpm", "-q", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\n", "curl"), PackageManager.DNF.queryCommand(List.of("curl")));
        assertEquals(List.of("apk", "del", "-q", "curl"), PackageManager.APK.removeCommand(List.of("curl"), true));
        assertEquals(List.of("apt-get", "purge", "-y", "-q", "curl"), PackageManager.APT.removeCommand(List.of("curl"), true));
        assertEquals(List.of("dnf", "install", "-y", "-q", "--setopt=install_weak_deps=false", "curl"),
                PackageManager.DNF.installCommand(List.of("curl"), false, false));
        assertTrue(PackageManager.APT.installCommand(List.of("curl"), false, false).containsAll(
                List.of("Dpkg::Options::=--force-confold", "APT::Install-Recommends=no", "curl")));
    }

    @Test
    void specsAcceptVersionsListsAndCommaStrings() throws Exception {
        List<PackageTask.Spec> s = AptModule.specs(args("apt", "name", List.of("a,b", "nginx=1.22*")), "apt");
        assertEquals(List.of("a", "b", "nginx"), s.stream().map(PackageTask.Spec::name).toList());
        assertTrue(s.get(2).satisfiedBy("1.22.1-9"));
        assertFalse(s.get(2).satisfiedBy("1.24.0-1"));
        assertEquals("nginx=1.22", s.get(2).argument());
        ModuleException bad = assertThrows(ModuleException.class, () -> AptModule.specs(args("apt", "name", "x; rm -rf /"), "apt"));
        assertEquals("ARG_VALUE", bad.code());
    }

    /** The real dpkg of this (Debian) machine: installed packages are ok, check mode names what it would install. */
    @Test
    void againstThisHostsDpkgDatabase() throws Exception {
        AptModule apt = new AptModule();
        ModuleResult ok = apt.run(args("apt", "name", List.of("bash", "coreutils")), Contexts.normal());
        assertFalse(ok.isChanged());
        assertTrue(((Map<?, ?>) ok.data().get("installed")).containsKey("bash"));
        ModuleResult would = apt.run(args("apt", "name", List.of("bash", "jplay-no-such-package")), Contexts.check());
        assertTrue(would.isChanged());
        assertEquals(List.of("jplay-no-such-package"), would.data().get("packages"));
        ModuleResult absent = apt.run(args("apt", "name", "jplay-no-such-package", "state", "absent"), Contexts.normal());
        assertFalse(absent.isChanged());
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> apt.run(args("apt", "name", "bash", "state", "gone"), Contexts.normal())).code());
    }
}
