package dev.jplay.modules.files;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileModuleTest {
    @TempDir Path dir;
    private final FileModule file = new FileModule();

    @Test
    void directoryIsCreatedWithParentsOnceAndRecurseAppliesMode() throws Exception {
        Path d = dir.resolve("a/b/c");
        ModuleResult first = file.run(args("file", "path", d.toString(), "state", "directory", "mode", "0750"),
                Contexts.normal());
        assertTrue(first.isChanged());
        assertTrue(Files.isDirectory(d));
        assertEquals("rwxr-x---", perms(d));
        assertEquals("rwxr-x---", perms(dir.resolve("a")), "created parents get the mode too");
        assertFalse(file.run(args("file", "path", d.toString(), "state", "directory", "mode", "0750"),
                Contexts.normal()).isChanged());

        Files.writeString(d.resolve("f"), "x");
        ModuleResult rec = file.run(args("file", "path", dir.resolve("a").toString(), "state", "directory",
                "mode", "u=rwX,g=rX,o=", "recurse", true), Contexts.normal());
        assertTrue(rec.isChanged());
        assertEquals("rw-r-----", perms(d.resolve("f")));
        assertEquals("rwxr-x---", perms(d));
        assertFalse(file.run(args("file", "path", dir.resolve("a").toString(), "state", "directory",
                "mode", "u=rwX,g=rX,o=", "recurse", true), Contexts.normal()).isChanged());
    }

    @Test
    void absentRemovesTreesWithoutFollowingLinks() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep me");
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("f"), "x");
        Files.createSymbolicLink(tree.resolve("link-to-outside"), outside);

        ModuleResult check = file.run(args("file", "path", dir.resolve("tree").toString(), "state", "absent"),
                Contexts.of(true, true, null));
        assertTrue(check.isChanged());
        assertTrue(Files.exists(tree), "check mode removes nothing");
        assertEquals("directory", ((Map<?, ?>) check.diff().get("before")).get("state"));
        assertEquals("absent", ((Map<?, ?>) check.diff().get("after")).get("state"));

        assertTrue(file.run(args("file", "path", dir.resolve("tree").toString(), "state", "absent"),
                Contexts.normal()).isChanged());
        assertFalse(Files.exists(dir.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep me", Files.readString(outside.resolve("precious")));
        assertFalse(file.run(args("file", "path", dir.resolve("tree").toString(), "state", "absent"),
                Contexts.normal()).isChanged());
    }

    @Test
    void touchCreatesAndFileStateOnlyChangesAttributes() throws Exception {
        Path f = dir.resolve("t");
        assertTrue(file.run(args("file", "path", f.toString(), "state", "touch", "mode", "0640"), Contexts.normal())
                .isChanged());
        assertEquals("rw-r-----", perms(f));
        ModuleResult diff = file.run(args("file", "path", f.toString(), "mode", "0600"), Contexts.diff());
        assertTrue(diff.isChanged());
        assertEquals("0640", ((Map<?, ?>) diff.diff().get("before")).get("mode"));
        assertEquals("0600", ((Map<?, ?>) diff.diff().get("after")).get("mode"));
        assertFalse(file.run(args("file", "path", f.toString(), "state", "file", "mode", "0600"), Contexts.normal())
                .isChanged());
        ModuleException missing = assertThrows(ModuleException.class,
                () -> file.run(args("file", "path", dir.resolve("nope").toString()), Contexts.normal()));
        assertEquals("FILE_MISSING", missing.code());
    }

    @Test
    void symbolicLinksAreIdempotentAndRetargeted() throws Exception {
        Path target1 = Files.writeString(dir.resolve("t1"), "1");
        Path target2 = Files.writeString(dir.resolve("t2"), "2");
        Path link = dir.resolve("current");
        assertTrue(file.run(args("file", "path", link.toString(), "state", "link", "src", target1.toString()),
                Contexts.normal()).isChanged());
        assertEquals(target1, Files.readSymbolicLink(link));
        assertFalse(file.run(args("file", "path", link.toString(), "state", "link", "src", target1.toString()),
                Contexts.normal()).isChanged());
        assertTrue(file.run(args("file", "path", link.toString(), "state", "link", "src", target2.toString()),
                Contexts.check()).isChanged());
        assertEquals(target1, Files.readSymbolicLink(link), "check mode keeps the old link");
        file.run(args("file", "path", link.toString(), "state", "link", "src", target2.toString()), Contexts.normal());
        assertEquals("2", Files.readString(link));

        Path regular = Files.writeString(dir.resolve("regular"), "r");
        ModuleException noForce = assertThrows(ModuleException.class, () -> file.run(args("file", "path",
                regular.toString(), "state", "link", "src", target1.toString()), Contexts.normal()));
        assertEquals("DEST_EXISTS", noForce.code());
        file.run(args("file", "path", regular.toString(), "state", "link", "src", target1.toString(), "force", true),
                Contexts.normal());
        assertTrue(Files.isSymbolicLink(regular));
    }

    @Test
    void hardLinksShareTheInode() throws Exception {
        Path src = Files.writeString(dir.resolve("src"), "data");
        Path hard = dir.resolve("hard");
        assertTrue(file.run(args("file", "path", hard.toString(), "state", "hard", "src", src.toString()),
                Contexts.normal()).isChanged());
        assertTrue(Files.isSameFile(src, hard));
        assertEquals(2, Files.getAttribute(src, "unix:nlink"));
        assertFalse(file.run(args("file", "path", hard.toString(), "state", "hard", "src", src.toString()),
                Contexts.normal()).isChanged());
    }

    @Test
    void argumentErrors() {
        ModuleException state = assertThrows(ModuleException.class, () -> file.run(args("file", "path", "/tmp/x",
                "state", "gone"), Contexts.normal()));
        assertEquals("args", state.step().id());
        assertTrue(state.getMessage().contains("state"));
        ModuleException src = assertThrows(ModuleException.class, () -> file.run(args("file", "path", "/tmp/x",
                "state", "link"), Contexts.normal()));
        assertTrue(src.getMessage().contains("'src'"));
        ModuleException unknown = assertThrows(ModuleException.class, () -> file.run(args("file", "path", "/tmp/x",
                "modes", "0644"), Contexts.normal()));
        assertEquals("ARG_UNKNOWN", unknown.code());
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
