package dev.jplay.modules.files;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyModuleTest {
    @TempDir Path dir;
    private final CopyModule copy = new CopyModule();

    @Test
    void writesAtomicallyWithModeAndIsIdempotent() throws Exception {
        Path dest = dir.resolve("app.conf");
        ModuleResult first = copy.run(args("copy", "dest", dest.toString(), "content", "port=80\n", "mode", "0600"),
                Contexts.normal());
        assertTrue(first.isChanged());
        assertEquals("port=80\n", Files.readString(dest));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
        assertEquals(sha256("port=80\n".getBytes()), first.data().get("checksum"));
        assertEquals("0600", first.data().get("mode"));
        assertEquals(List.of(dest.getFileName()), listDir(), "no temp files left");

        ModuleResult second = copy.run(args("copy", "dest", dest.toString(), "content", "port=80\n", "mode", "0600"),
                Contexts.normal());
        assertFalse(second.isChanged());
    }

    @Test
    void modeOnlyChangeAndExistingModeKeptOnRewrite() throws Exception {
        Path dest = dir.resolve("f");
        Files.writeString(dest, "a");
        Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rwxr-x---"));
        assertTrue(copy.run(args("copy", "dest", dest.toString(), "content", "b"), Contexts.normal()).isChanged());
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
        ModuleResult modeOnly = copy.run(args("copy", "dest", dest.toString(), "content", "b", "mode", 0644),
                Contexts.normal());
        assertTrue(modeOnly.isChanged());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
    }

    @Test
    void checkModeWritesNothingButReportsTheChange() throws Exception {
        Path dest = dir.resolve("new");
        ModuleResult r = copy.run(args("copy", "dest", dest.toString(), "content", "x"), Contexts.check());
        assertTrue(r.isChanged());
        assertFalse(Files.exists(dest));
        assertEquals(List.of(), listDir());
    }

    @Test
    void diffShowsBeforeAndAfterTextOrBinary() throws Exception {
        Path dest = dir.resolve("d");
        Files.writeString(dest, "old line\n");
        ModuleResult r = copy.run(args("copy", "dest", dest.toString(), "content", "new line\n"),
                Contexts.of(true, true, null));
        assertEquals("old line\n", r.diff().get("before"));
        assertEquals("new line\n", r.diff().get("after"));
        assertEquals("old line\n", Files.readString(dest), "check+diff leaves the file alone");

        byte[] binary = {0, 1, 2, (byte) 0xff};
        ModuleResult b = copy.run(args("copy", "dest", dest.toString(), "content_b64",
                Base64.getEncoder().encodeToString(binary)), Contexts.diff());
        assertEquals("(binary)", b.diff().get("after"));
        assertArrayEquals(binary, Files.readAllBytes(dest));
    }

    @Test
    void backupKeepsTheOldContent() throws Exception {
        Path dest = dir.resolve("b.txt");
        Files.writeString(dest, "v1");
        ModuleResult r = copy.run(args("copy", "dest", dest.toString(), "content", "v2", "backup", true),
                Contexts.normal());
        Path backup = Path.of((String) r.data().get("backup_file"));
        assertEquals("v1", Files.readString(backup));
        assertEquals("v2", Files.readString(dest));
    }

    @Test
    void forceFalseLeavesAnExistingFile() throws Exception {
        Path dest = dir.resolve("keep");
        Files.writeString(dest, "mine");
        assertFalse(copy.run(args("copy", "dest", dest.toString(), "content", "theirs", "force", "no"),
                Contexts.normal()).isChanged());
        assertEquals("mine", Files.readString(dest));
    }

    @Test
    void rejectsDirectoryDestAndBadArguments() {
        ModuleException slash = assertThrows(ModuleException.class,
                () -> copy.run(args("copy", "dest", dir + "/", "content", "x"), Contexts.normal()));
        assertEquals("DEST_IS_DIRECTORY", slash.code());
        ModuleException existingDir = assertThrows(ModuleException.class,
                () -> copy.run(args("copy", "dest", dir.toString(), "content", "x"), Contexts.normal()));
        assertTrue(existingDir.getMessage().contains(dir.toString()));
        ModuleException both = assertThrows(ModuleException.class, () -> copy.run(args("copy", "dest",
                dir.resolve("x").toString(), "content", "x", "content_b64", "eA=="), Contexts.normal()));
        assertEquals("args", both.step().id());
        ModuleException src = assertThrows(ModuleException.class, () -> copy.run(args("copy", "dest",
                dir.resolve("x").toString(), "src", "/etc/hosts"), Contexts.normal()));
        assertTrue(src.getMessage().contains("copy") && src.getMessage().contains("'src'"));
        ModuleException noParent = assertThrows(ModuleException.class, () -> copy.run(args("copy", "dest",
                dir.resolve("missing/x").toString(), "content", "x"), Contexts.normal()));
        assertEquals("DEST_DIR_MISSING", noParent.code());
    }

    private List<Path> listDir() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(Path::getFileName).toList();
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** template and copy share this: Ansible's validate on the temp file, the target untouched when it refuses. */
    @Test
    void validateChecksTheNewContentBeforeItReplacesTheFile() throws Exception {
        Path dest = dir.resolve("app.conf");
        String validator = "grep -q ^port= %s";
        assertTrue(copy.run(args("copy", "dest", dest.toString(), "content", "port=80\n", "validate", validator),
                Contexts.normal()).isChanged());
        ModuleException refused = assertThrows(ModuleException.class, () -> copy.run(args("copy", "dest", dest.toString(),
                "content", "prot=80\n", "validate", validator), Contexts.normal()));
        assertEquals("VALIDATE_FAILED", refused.code());
        assertEquals("port=80\n", Files.readString(dest));
        assertTrue(copy.run(args("copy", "dest", dest.toString(), "content", "prot=80\n", "validate", validator),
                Contexts.check()).isChanged(), "check mode predicts without validating");
    }
}
