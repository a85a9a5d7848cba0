package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootUnitTest {
    @TempDir Path tmp;

    @Test
    void rendersAOneshotRestoreWithQuotedWordsAndEscapedSpecifiers() {
        String unit = BootUnit.render(List.of("/var/lib/jplay/boot/runtime/abc/bin/java", "-Xss512k", "-cp", "/var/lib/jplay/boot/agent.jar",
                "dev.jplay.agent.RestoreMain", "--state-dir", "/srv/my state/50%"), Path.of("/srv/my state/50%"));
        assertTrue(unit.contains("\nExecStart=/var/lib/jplay/boot/runtime/abc/bin/java -Xss512k -cp /var/lib/jplay/boot/agent.jar "
                + "dev.jplay.agent.RestoreMain --state-dir \"/srv/my state/50%%\"\n"), unit);
        assertTrue(unit.contains("\nType=oneshot\n") && unit.contains("\nRemainAfterExit=yes\n") && unit.contains("\nKillMode=process\n"), unit);
        assertTrue(unit.contains("\nWantedBy=multi-user.target\n"), unit);
        assertTrue(unit.contains("\nRequiresMountsFor=\"/srv/my state/50%%\"\n"), unit);
        // The state directory, not its containers/: a host with only pool routes or services recorded restores them too.
        assertTrue(unit.contains("\nConditionPathIsDirectory=\"/srv/my state/50%%\"\n"), unit);
        assertTrue(unit.contains("\nWants=network-online.target\n") && unit.contains("\nAfter=local-fs.target network-online.target\n"), unit);
        assertEquals("plain", BootUnit.unitWord("plain"));
        assertEquals("\"a\\\"b $$x\"", BootUnit.unitWord("a\"b $x"));
    }

    @Test
    void installIsIdempotentAndUninstallRemovesFileAndLink() throws Exception {
        // No running systemd (its run directory is absent): files only, which is what enable and disable change.
        BootUnit unit = new BootUnit(tmp.resolve("etc/systemd/system"), tmp.resolve("run/systemd/system"), BootUnit.NAME);
        assertFalse(unit.systemdRuns());
        assertFalse(unit.installed());
        String text = BootUnit.render(List.of("/usr/bin/java", "-cp", "a.jar", "Main"), Path.of("/var/lib/jplay"));

        assertTrue(unit.install(text));
        assertEquals(text, Files.readString(unit.unitFile()));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(unit.unitFile())));
        Path link = tmp.resolve("etc/systemd/system/multi-user.target.wants/" + BootUnit.NAME);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(unit.unitFile(), Files.readSymbolicLink(link));
        assertFalse(unit.install(text), "a second install changes nothing");

        String other = text.replace("a.jar", "b.jar");
        assertTrue(unit.install(other), "another command rewrites the unit");
        assertEquals(other, Files.readString(unit.unitFile()));

        assertTrue(unit.uninstall());
        assertFalse(Files.exists(unit.unitFile()) || Files.isSymbolicLink(link));
        assertFalse(unit.installed());
        assertFalse(unit.uninstall(), "nothing left to remove");
    }

    @Test
    void systemdRunsWhenItsRunDirectoryExists() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run/systemd/system"));
        assertTrue(new BootUnit(tmp.resolve("etc"), run, BootUnit.NAME).systemdRuns());
    }

    @Test
    void theUsualStateDirectoryHasTheShortNameOthersTheirOwn() {
        assertEquals("jplay-restore.service", BootUnit.nameFor(Path.of("/var/lib/jplay")));
        assertEquals("jplay-restore.service", BootUnit.nameFor(Path.of("/var/lib/jplay/")));
        String root = BootUnit.nameFor(Path.of("/root/.jplay/state"));
        assertTrue(root.matches("jplay-restore-[0-9a-f]{8}\\.service"), root);
        assertEquals(root, BootUnit.nameFor(Path.of("/root/.jplay/../.jplay/state")));
        assertFalse(root.equals(BootUnit.nameFor(Path.of("/srv/jplay"))));
    }
}
