package dev.jplay.modules.files;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnarchiveModuleTest {
    @TempDir Path dir;
    private final UnarchiveModule unarchive = new UnarchiveModule();

    /** A tar.gz of {@code name, content, mode} triples; a content starting with "->" makes a symlink. */
    static byte[] tarGz(Object... entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (int i = 0; i < entries.length; i += 3) {
                String name = (String) entries[i];
                String content = (String) entries[i + 1];
                TarArchiveEntry e;
                if (content.startsWith("->")) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(content.substring(2));
                    tar.putArchiveEntry(e);
                } else {
                    e = new TarArchiveEntry(name);
                    byte[] b = content.getBytes(StandardCharsets.UTF_8);
                    e.setSize(b.length);
                    e.setMode((Integer) entries[i + 2]);
                    tar.putArchiveEntry(e);
                    tar.write(b);
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private ModuleResult run(byte[] archive, Path dest, Object... more) throws ModuleException {
        Object[] kv = new Object[4 + more.length];
        kv[0] = "content_b64";
        kv[1] = Base64.getEncoder().encodeToString(archive);
        kv[2] = "dest";
        kv[3] = dest.toString();
        System.arraycopy(more, 0, kv, 4, more.length);
        return unarchive.run(args("unarchive", kv), Contexts.normal());
    }

    @Test
    void extractsATarGzWithModesThenASecondRunChangesNothing() throws Exception {
        byte[] a = tarGz("app/", "", 0755, "app/bin/run", "#!/bin/sh\n", 0755, "app/README", "hi\n", 0644);
        assertTrue(run(a, dir).isChanged());
        assertEquals("hi\n", Files.readString(dir.resolve("app/README")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("app/bin/run"))));
        assertFalse(run(a, dir).isChanged());
        Files.writeString(dir.resolve("app/README"), "edited");
        ModuleResult again = run(a, dir);
        assertTrue(again.isChanged());
        assertEquals(java.util.List.of("app/README"), again.data().get("files"));
    }

    @Test
    void zipAndCreatesAndCheckMode() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            zip.putArchiveEntry(new ZipArchiveEntry("z/file.txt"));
            zip.write("zip\n".getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        }
        ModuleResult checked = unarchive.run(args("unarchive", "content_b64", Base64.getEncoder().encodeToString(bytes.toByteArray()),
                "dest", dir.toString()), Contexts.check());
        assertTrue(checked.isChanged());
        assertFalse(Files.exists(dir.resolve("z")));
        assertTrue(run(bytes.toByteArray(), dir).isChanged());
        assertEquals("zip\n", Files.readString(dir.resolve("z/file.txt")));
        assertFalse(run(tarGz("other", "x", 0644), dir, "creates", dir.resolve("z/file.txt").toString()).isChanged());
        assertFalse(Files.exists(dir.resolve("other")));
        ModuleResult notYet = unarchive.run(args("unarchive", "content_b64", Base64.getEncoder().encodeToString(bytes.toByteArray()),
                "dest", dir.resolve("later").toString()), Contexts.check());
        assertTrue(notYet.isChanged(), "check mode: an earlier task would create dest");
        assertEquals("DEST_NOT_DIRECTORY", assertThrows(ModuleException.class, () -> run(bytes.toByteArray(), dir.resolve("later"))).code());
    }

    @Test
    void remoteSrcReadsTheHostsFile() throws Exception {
        Path src = Files.write(dir.resolve("a.tgz"), tarGz("r.txt", "remote\n", 0644));
        Path dest = Files.createDirectory(dir.resolve("out"));
        assertTrue(unarchive.run(args("unarchive", "src", src.toString(), "remote_src", true, "dest", dest.toString()),
                Contexts.normal()).isChanged());
        assertEquals("remote\n", Files.readString(dest.resolve("r.txt")));
    }

    @Test
    void anEntryClimbingOutOfDestFailsBeforeAnythingIsWritten() throws Exception {
        Path dest = Files.createDirectory(dir.resolve("dest"));
        byte[] evil = tarGz("good.txt", "ok", 0644, "../../escaped.txt", "pwned", 0644);
        ModuleException e = assertThrows(ModuleException.class, () -> run(evil, dest));
        assertEquals("ARCHIVE_ESCAPE", e.code());
        assertFalse(Files.exists(dir.resolve("escaped.txt")));
        assertFalse(Files.exists(dir.getParent().resolve("escaped.txt")));
        assertFalse(Files.exists(dest.resolve("good.txt")), "nothing written from a rejected archive");
        // A leading "/" is dropped when the tar is read (as GNU tar does): the entry lands inside dest.
        run(tarGz("/etc/evil", "x", 0644), dest);
        assertEquals("x", Files.readString(dest.resolve("etc/evil")));
    }

    @Test
    void aSymlinkEntryIsNeverWrittenThrough() throws Exception {
        Path dest = Files.createDirectory(dir.resolve("dest"));
        Path outside = Files.createDirectory(dir.resolve("outside"));
        byte[] evil = tarGz("link", "->" + outside, 0, "link/pwned.txt", "pwned", 0644);
        ModuleException e = assertThrows(ModuleException.class, () -> run(evil, dest));
        assertEquals("ARCHIVE_ESCAPE", e.code());
        assertFalse(Files.exists(outside.resolve("pwned.txt")));
    }
}
