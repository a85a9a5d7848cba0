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
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineInFileModuleTest {
    @TempDir Path dir;
    private final LineInFileModule module = new LineInFileModule();

    private ModuleResult run(Object... kv) throws ModuleException {
        return module.run(args("lineinfile", kv), Contexts.normal());
    }

    private Path file(String content) throws Exception {
        Path p = dir.resolve("f.conf");
        Files.writeString(p, content);
        return p;
    }

    @Test
    void regexpReplacesTheLastMatchAndIsIdempotent() throws Exception {
        Path p = file("a=1\nport=80\nb=2\nport=81\n");
        ModuleResult r = run("path", p.toString(), "regexp", "^port=", "line", "port=8080");
        assertTrue(r.isChanged());
        assertEquals("line replaced", r.msg());
        assertEquals("a=1\nport=80\nb=2\nport=8080\n", Files.readString(p));
        assertFalse(run("path", p.toString(), "regexp", "^port=", "line", "port=8080").isChanged());
    }

    @Test
    void firstmatchReplacesTheFirst() throws Exception {
        Path p = file("port=80\nport=81\n");
        run("path", p.toString(), "regexp", "^port=", "line", "port=1", "firstmatch", true);
        assertEquals("port=1\nport=81\n", Files.readString(p));
    }

    @Test
    void missingLineGoesAtTheEndAddingANewlineToALastLineWithout() throws Exception {
        Path p = file("a=1");
        assertTrue(run("path", p.toString(), "line", "b=2").isChanged());
        assertEquals("a=1\nb=2\n", Files.readString(p));
        assertFalse(run("path", p.toString(), "line", "b=2").isChanged(), "exact line present");
    }

    @Test
    void insertAfterAndBeforeUseTheLastMatchingLineAndBofEof() throws Exception {
        Path p = file("[main]\nx=1\n[other]\ny=2\n");
        run("path", p.toString(), "line", "z=3", "insertafter", "^\\[main\\]");
        assertEquals("[main]\nz=3\nx=1\n[other]\ny=2\n", Files.readString(p));
        run("path", p.toString(), "line", "w=0", "insertbefore", "^\\[other\\]");
        assertEquals("[main]\nz=3\nx=1\nw=0\n[other]\ny=2\n", Files.readString(p));
        run("path", p.toString(), "line", "# top", "insertbefore", "BOF");
        assertTrue(Files.readString(p).startsWith("# top\n[main]\n"));
        run("path", p.toString(), "line", "# end", "insertafter", "EOF");
        assertTrue(Files.readString(p).endsWith("y=2\n# end\n"));
        // insertafter whose pattern matches nothing: at the end, as Ansible does
        run("path", p.toString(), "line", "q=9", "insertafter", "^nomatch");
        assertTrue(Files.readString(p).endsWith("# end\nq=9\n"));
    }

    @Test
    void regexpWithoutMatchButExactLinePresentChangesNothing() throws Exception {
        Path p = file("port=8080\n");
        assertFalse(run("path", p.toString(), "regexp", "^Port ", "line", "port=8080").isChanged());
    }

    @Test
    void backrefsExpandGroupsAndChangeNothingWithoutAMatch() throws Exception {
        Path p = file("ListenAddress 0.0.0.0:22\n");
        run("path", p.toString(), "regexp", "^ListenAddress ([0-9.]+):\\d+$", "line", "ListenAddress \\1:2222",
                "backrefs", true);
        assertEquals("ListenAddress 0.0.0.0:2222\n", Files.readString(p));
        assertFalse(run("path", p.toString(), "regexp", "^Nope (.*)$", "line", "x \\1", "backrefs", true).isChanged());
        assertEquals("ListenAddress 0.0.0.0:2222\n", Files.readString(p));
    }

    @Test
    void absentRemovesEveryMatchingLine() throws Exception {
        Path p = file("a\n#x\nb\n#y\n");
        ModuleResult r = run("path", p.toString(), "regexp", "^#", "state", "absent");
        assertTrue(r.isChanged());
        assertEquals(2, r.data().get("found"));
        assertEquals("a\nb\n", Files.readString(p));
        assertFalse(run("path", p.toString(), "line", "zzz", "state", "absent").isChanged());
        assertFalse(run("path", dir.resolve("none").toString(), "line", "zzz", "state", "absent").isChanged());
    }

    @Test
    void createWithModeAndMissingFileWithoutCreateFails() throws Exception {
        Path p = dir.resolve("sub/new.conf");
        ModuleException e = assertThrows(ModuleException.class, () -> run("path", p.toString(), "line", "x"));
        assertEquals("PATH_MISSING", e.code());
        assertTrue(run("path", p.toString(), "line", "x", "create", true, "mode", "0600").isChanged());
        assertEquals("x\n", Files.readString(p));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        assertTrue(run("path", p.toString(), "line", "x", "mode", "0640").isChanged(), "mode alone changes");
        assertFalse(run("path", p.toString(), "line", "x", "mode", "0640").isChanged());
    }

    @Test
    void checkModeReportsWithDiffAndWritesNothing() throws Exception {
        Path p = file("a=1\n");
        ModuleResult r = module.run(args("lineinfile", "path", p.toString(), "line", "b=2"), Contexts.of(true, true, null));
        assertTrue(r.isChanged());
        assertEquals("a=1\n", r.diff().get("before"));
        assertEquals("a=1\nb=2\n", r.diff().get("after"));
        assertEquals("a=1\n", Files.readString(p));
    }

    @Test
    void backupKeepsTheOldContent() throws Exception {
        Path p = file("a=1\n");
        ModuleResult r = run("path", p.toString(), "line", "b=2", "backup", true);
        assertEquals("a=1\n", Files.readString(Path.of((String) r.data().get("backup"))));
    }

    @Test
    void argumentErrorsAreLocated() {
        ModuleException bad = assertThrows(ModuleException.class, () -> run("path", "/x", "regexp", "(", "line", "x"));
        assertEquals("ARG_REGEX", bad.code());
        ModuleException both = assertThrows(ModuleException.class,
                () -> run("path", "/x", "line", "x", "insertafter", "a", "insertbefore", "b"));
        assertEquals("ARG_CONFLICT", both.code());
        assertEquals("ARG_UNKNOWN", assertThrows(ModuleException.class, () -> run("path", "/x", "lines", "x")).code());
    }

    /** Ansible's validate: the command runs on the temp file (%s) before the rename; a failure leaves the file alone. */
    @Test
    void validateRunsOnTheTempFileBeforeTheRenameAndARefusalLeavesTheFileAlone() throws Exception {
        Path p = file("port=80\n");
        Path seen = dir.resolve("seen");
        // The validator records the path it was given and what that file held, then accepts only a numeric port.
        String validator = "sh -c 'cp \"$1\" " + seen + "; echo \"$1\" >> " + seen + ".path; grep -qx \"port=[0-9]*\" \"$1\"' sh %s";
        assertTrue(run("path", p.toString(), "regexp", "^port=", "line", "port=8080", "validate", validator).isChanged());
        assertEquals("port=8080\n", Files.readString(p));
        assertEquals("port=8080\n", Files.readString(seen), "the new content was validated");
        String tempPath = Files.readString(dir.resolve("seen.path")).strip();
        assertFalse(tempPath.equals(p.toString()), "a temp file, not the target: " + tempPath);
        assertEquals(p.getParent(), Path.of(tempPath).getParent(), "beside the target, so the rename is atomic");

        ModuleException refused = assertThrows(ModuleException.class,
                () -> run("path", p.toString(), "regexp", "^port=", "line", "port=http", "validate", validator));
        assertEquals("VALIDATE_FAILED", refused.code());
        assertTrue(refused.getMessage().contains("exited with 1"), refused.getMessage());
        assertEquals("port=8080\n", Files.readString(p), "left unchanged");
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temp file left behind");
        }

        assertFalse(run("path", p.toString(), "regexp", "^port=", "line", "port=8080", "validate", "false %s").isChanged(),
                "nothing to write: nothing validated");
        ModuleResult checked = module.run(args("lineinfile", "path", p.toString(), "line", "x=1", "validate", "false %s"), Contexts.check());
        assertTrue(checked.isChanged(), "check mode predicts the change without running the validator");
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> run("path", p.toString(), "line", "x=1", "validate", "visudo -cf")).code(), "validate needs %s");
    }

    @Test
    void validateSplitsLikeShlexAndKeepsALiteralPercent() throws Exception {
        Validation v = Validation.from(args("lineinfile", "validate", "check '--fmt=100%%' %s"), "lineinfile");
        assertEquals(java.util.List.of("check", "--fmt=100%", "/tmp/a b"), v.argv(Path.of("/tmp/a b")));
    }
}
