package dev.jplay.modules.files;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatModuleTest {
    @TempDir Path dir;
    private final StatModule stat = new StatModule();

    @Test
    void describesAFileWithSha256LikeSha256sum() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "hello\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Map<?, ?> s = stat(args("stat", "path", f.toString()));
        assertEquals(true, s.get("exists"));
        assertEquals(true, s.get("isreg"));
        assertEquals(false, s.get("isdir"));
        assertEquals("0640", s.get("mode"));
        assertEquals(6L, s.get("size"));
        Process p = new ProcessBuilder("sha256sum", f.toString()).start();
        String expected = new String(p.getInputStream().readAllBytes()).split(" ")[0];
        assertEquals(expected, s.get("checksum"));
        assertEquals(Files.getAttribute(f, "unix:uid"), s.get("uid"));
    }

    @Test
    void linksAreNotFollowedUnlessAsked() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d"));
        Path link = Files.createSymbolicLink(dir.resolve("l"), d);
        Map<?, ?> nofollow = stat(args("stat", "path", link.toString()));
        assertEquals(true, nofollow.get("islnk"));
        assertEquals(d.toString(), nofollow.get("lnk_target"));
        Map<?, ?> follow = stat(args("stat", "path", link.toString(), "follow", true));
        assertEquals(true, follow.get("isdir"));
        assertEquals(false, follow.get("islnk"));
        assertFalse(stat(args("stat", "path", dir.resolve("none").toString())).containsKey("isreg"));
        assertEquals(false, stat(args("stat", "path", dir.resolve("none").toString())).get("exists"));
    }

    private Map<?, ?> stat(dev.jplay.modules.ModuleArgs a) throws Exception {
        ModuleResult r = stat.run(a, Contexts.normal());
        assertFalse(r.isChanged());
        assertTrue(r.data().get("stat") instanceof Map);
        return (Map<?, ?>) r.data().get("stat");
    }
}
