package dev.jplay.modules.files;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockInFileModuleTest {
    @TempDir Path dir;
    private final BlockInFileModule module = new BlockInFileModule();

    private ModuleResult run(Object... kv) throws ModuleException {
        return module.run(args("blockinfile", kv), Contexts.normal());
    }

    @Test
    void insertsAtTheEndThenReplacesBetweenMarkersIdempotently() throws Exception {
        Path p = dir.resolve("hosts");
        Files.writeString(p, "127.0.0.1 localhost");
        assertTrue(run("path", p.toString(), "block", "10.0.0.1 a\n10.0.0.2 b").isChanged());
        assertEquals("127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.1 a\n10.0.0.2 b\n"
                + "# END ANSIBLE MANAGED BLOCK\n", Files.readString(p));
        assertFalse(run("path", p.toString(), "block", "10.0.0.1 a\n10.0.0.2 b").isChanged());
        Files.writeString(p, Files.readString(p) + "tail\n");
        assertTrue(run("path", p.toString(), "block", "10.0.0.3 c").isChanged());
        assertEquals("127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.3 c\n# END ANSIBLE MANAGED BLOCK\ntail\n",
                Files.readString(p));
    }

    @Test
    void customMarkersAndInsertBefore() throws Exception {
        Path p = dir.resolve("c");
        Files.writeString(p, "a\n[x]\nb\n");
        run("path", p.toString(), "block", "k=v", "marker", "; {mark} app", "marker_begin", "start",
                "marker_end", "stop", "insertbefore", "^\\[x\\]");
        assertEquals("a\n; start app\nk=v\n; stop app\n[x]\nb\n", Files.readString(p));
        run("path", p.toString(), "block", "top", "marker", "# {mark} top", "insertbefore", "BOF");
        assertTrue(Files.readString(p).startsWith("# BEGIN top\ntop\n# END top\na\n"));
    }

    @Test
    void absentOrEmptyBlockRemovesTheMarkers() throws Exception {
        Path p = dir.resolve("c");
        Files.writeString(p, "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n");
        ModuleResult r = run("path", p.toString(), "state", "absent");
        assertTrue(r.isChanged());
        assertEquals("Block removed", r.msg());
        assertEquals("a\nb\n", Files.readString(p));
        assertFalse(run("path", p.toString(), "state", "absent").isChanged());
    }

    @Test
    void createAndCheckModeWithDiff() throws Exception {
        Path p = dir.resolve("new");
        ModuleResult r = module.run(args("blockinfile", "path", p.toString(), "block", "x", "create", true),
                Contexts.of(true, true, null));
        assertTrue(r.isChanged());
        assertEquals("", r.diff().get("before"));
        assertEquals("# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", r.diff().get("after"));
        assertFalse(Files.exists(p));
        assertTrue(run("path", p.toString(), "block", "x", "create", true).isChanged());
        assertTrue(Files.exists(p));
    }
}
