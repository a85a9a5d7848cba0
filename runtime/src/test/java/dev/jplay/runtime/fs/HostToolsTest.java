package dev.jplay.runtime.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs and CNI plugins are found where the host has them: PATH first, then the system directories. */
class HostToolsTest {
    @TempDir
    Path dir;

    private Path executable(Path d, String name) throws Exception {
        Files.createDirectories(d);
        Path p = Files.writeString(d.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void pathFirstThenSystemDirectoriesOnlyExecutables() throws Exception {
        Path bin = executable(dir.resolve("bin"), "runc-test-tool");
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other").resolve("plain"), "x"); // not executable
        HostTools tools = new HostTools(Map.of("PATH", dir.resolve("other") + ":" + dir.resolve("bin") + ":relative"));
        assertEquals(Optional.of(bin), tools.find("runc-test-tool"));
        assertEquals(Optional.empty(), tools.find("plain"), "not executable");
        List<String> path = tools.searchPath();
        assertEquals(dir.resolve("other").toString(), path.get(0));
        assertFalse(path.contains("relative"), "relative PATH entries are ignored");
        assertTrue(path.containsAll(List.of("/usr/sbin", "/usr/bin", "/usr/local/bin")), "sudo's secure_path may lack none of them");
        Path sh = new HostTools(Map.of()).find("sh").orElseThrow();
        assertTrue(HostTools.SYSTEM_DIRS.contains(sh.getParent().toString()), "without PATH: the system dirs: " + sh);
    }

    @Test
    void cniPathThenTheDistributionsDirectories() throws Exception {
        executable(dir.resolve("cni"), "bridge");
        HostTools tools = new HostTools(Map.of("CNI_PATH", dir.resolve("cni").toString()));
        assertEquals(List.of(dir.resolve("cni"), Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"), Path.of("/usr/libexec/cni")),
                tools.cniDirs());
        assertTrue(tools.hasCniPlugin("bridge"));
        assertFalse(tools.hasCniPlugin("no-such-plugin-" + System.nanoTime()));
    }
}
