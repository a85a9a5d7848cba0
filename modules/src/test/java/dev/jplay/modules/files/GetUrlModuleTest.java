package dev.jplay.modules.files;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.http.LoopbackHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GetUrlModuleTest {
    static final byte[] TOOL = "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8);
    @TempDir Path dir;
    private LoopbackHttp http;
    private final GetUrlModule getUrl = new GetUrlModule();

    @BeforeEach
    void up() throws Exception {
        http = new LoopbackHttp().answer("/tool.sh", 200, "text/plain", TOOL, 0).answer("/gone", 404, null, new byte[0], 0);
    }

    @AfterEach
    void down() {
        http.close();
    }

    @Test
    void downloadsWithModeThenTheChecksumMakesItIdempotent() throws Exception {
        Path dest = dir.resolve("tool");
        String sum = "sha256:" + Sha256.of(TOOL).toUpperCase();
        ModuleResult first = getUrl.run(args("get_url", "url", http.url("/tool.sh"), "dest", dest.toString(),
                "checksum", sum, "mode", "0755"), Contexts.normal());
        assertTrue(first.isChanged());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
        assertEquals(Sha256.of(TOOL), first.data().get("checksum_dest"));
        ModuleResult second = getUrl.run(args("get_url", "url", http.url("/tool.sh"), "dest", dest.toString(),
                "checksum", sum, "mode", "0755"), Contexts.normal());
        assertFalse(second.isChanged());
        assertEquals(1, http.seen.size(), "not downloaded again");
    }

    @Test
    void aWrongChecksumFailsAndLeavesDestAsItWas() throws Exception {
        Path dest = dir.resolve("tool");
        Files.writeString(dest, "old");
        ModuleException e = assertThrows(ModuleException.class, () -> getUrl.run(args("get_url", "url",
                http.url("/tool.sh"), "dest", dest.toString(), "checksum", "sha256:" + "0".repeat(64)), Contexts.normal()));
        assertEquals("CHECKSUM_MISMATCH", e.code());
        assertEquals("old", Files.readString(dest));
        assertEquals(List.of(dest), Files.list(dir).toList(), "no temp file left");
    }

    @Test
    void withoutChecksumAnExistingFileIsKeptUnlessForce() throws Exception {
        Path dest = dir.resolve("tool");
        Files.writeString(dest, "old");
        assertFalse(getUrl.run(args("get_url", "url", http.url("/tool.sh"), "dest", dest.toString()), Contexts.normal()).isChanged());
        ModuleResult checked = getUrl.run(args("get_url", "url", http.url("/tool.sh"), "dest", dest.toString(), "force", true),
                Contexts.check());
        assertTrue(checked.isChanged());
        assertEquals("old", Files.readString(dest));
        assertTrue(getUrl.run(args("get_url", "url", http.url("/tool.sh"), "dest", dest.toString(), "force", true),
                Contexts.normal()).isChanged());
        assertEquals(new String(TOOL, StandardCharsets.UTF_8), Files.readString(dest));
    }

    @Test
    void aDirectoryDestTakesTheUrlsFileNameAndErrorsAreLocated() throws Exception {
        getUrl.run(args("get_url", "url", http.url("/tool.sh"), "dest", dir.toString()), Contexts.normal());
        assertTrue(Files.exists(dir.resolve("tool.sh")));
        assertEquals("HTTP_STATUS", assertThrows(ModuleException.class, () -> getUrl.run(args("get_url", "url",
                http.url("/gone"), "dest", dir.resolve("g").toString()), Contexts.normal())).code());
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class, () -> getUrl.run(args("get_url", "url",
                http.url("/tool.sh"), "dest", dir.resolve("g").toString(), "checksum", "md5:abc"), Contexts.normal())).code());
    }
}
