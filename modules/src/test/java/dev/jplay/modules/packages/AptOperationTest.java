package dev.jplay.modules.packages;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AptOperationTest {
    @Test
    void aSimulationNamesWhatWouldBeInstalledUpgradedAndRemoved() {
        String out = "NOTE: This is only a simulation!\nReading package lists...\nThe following packages will be REMOVED:\n"
                + "  libold1\nInst jplay-demo [1.0] (1.1 file:/srv/repo ./ [all])\nInst libnew2 (2.0-1 Debian:12.5/stable [amd64])\n"
                + "Remv libold1 [0.9-3]\nPurg oldconf [1]\nConf jplay-demo (1.1 file:/srv/repo ./ [all])\n";
        assertEquals(List.of(new AptOperation.Change("Inst", "jplay-demo", "1.0", "1.1"),
                new AptOperation.Change("Inst", "libnew2", null, "2.0-1"),
                new AptOperation.Change("Remv", "libold1", "0.9-3", null),
                new AptOperation.Change("Purg", "oldconf", "1", null)), AptOperation.parseSimulation(out));
        assertEquals(List.of("upgrade jplay-demo 1.0 -> 1.1", "install libnew2 2.0-1", "remove libold1 0.9-3", "purge oldconf 1"),
                AptOperation.parseSimulation(out).stream().map(AptOperation.Change::describe).toList());
        assertEquals(List.of(), AptOperation.parseSimulation("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));
    }

    @Test
    void upgradeModesAreAnsiblesWithItsAptGetFallback() throws Exception {
        assertEquals(List.of("upgrade", "--with-new-pkgs"), AptModule.upgrade("yes"));
        assertEquals(List.of("upgrade", "--with-new-pkgs"), AptModule.upgrade("true"), "upgrade: yes in YAML is a boolean");
        assertEquals(List.of("upgrade", "--with-new-pkgs"), AptModule.upgrade("safe"));
        assertEquals(List.of("dist-upgrade"), AptModule.upgrade("dist"));
        assertEquals(List.of("dist-upgrade"), AptModule.upgrade("full"));
        assertEquals(List.of(), AptModule.upgrade("no"));
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class, () -> AptModule.upgrade("everything")).code());
    }

    @Test
    void debArgumentsAreChecked() {
        AptModule apt = new AptModule();
        assertEquals("PATH_MISSING", assertThrows(ModuleException.class,
                () -> apt.run(args("apt", "deb", "/nonexistent/x.deb"), Contexts.check())).code());
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> apt.run(args("apt", "deb", "ftp://example.invalid/x.deb"), Contexts.check())).code());
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> apt.run(args("apt", "deb", "/tmp/x.deb", "state", "absent"), Contexts.check())).code());
        assertEquals("ARG_MISSING", assertThrows(ModuleException.class,
                () -> apt.run(args("apt", "purge", true), Contexts.check())).code());
    }
}
