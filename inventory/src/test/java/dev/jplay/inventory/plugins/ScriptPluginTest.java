package dev.jplay.inventory.plugins;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptPluginTest {
    @TempDir Path dir;

    /** A script without _meta (so --host runs per host) that logs each run and fails while a flag file exists. */
    private Path script() throws IOException {
        Path file = write(dir, "cmdb.sh",
                "#!/bin/sh",
                "echo \"$@\" >> \"$(dirname \"$0\")/runs.log\"",
                "[ -e \"$(dirname \"$0\")/broken\" ] && { echo 'cmdb unreachable' >&2; exit 3; }",
                "case \"$1\" in",
                "  --list) echo '{\"db\": {\"hosts\": [\"db1\", \"db2\"]}}' ;;",
                "  --host) echo \"{\\\"shard\\\": \\\"$2\\\"}\" ;;",
                "esac");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private List<String> runs() throws IOException {
        return Files.readAllLines(dir.resolve("runs.log"));
    }

    @Test
    void cachesTheCompleteListingOfASlowScript() throws IOException {
        script();
        Path config = write(dir, "cmdb.yml", "plugin: jplay.script", "path: cmdb.sh", "cache_ttl: 5m", "cache_dir: " + dir.resolve("cache"));
        Inventory first = load(config);
        Inventory second = load(config);
        assertEquals(List.of("--list", "--host db1", "--host db2"), runs(), "the second load ran nothing");
        assertEquals(List.of("db1", "db2"), names(second.select("db")));
        assertEquals("db2", first.hostVars("db2").get("shard"));
        assertEquals("db2", second.hostVars("db2").get("shard"));

        Path entry;
        try (Stream<Path> entries = Files.list(dir.resolve("cache"))) {
            entry = entries.findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(entry, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        Files.createFile(dir.resolve("broken"));
        Inventory stale = load(config);
        assertEquals("db1", stale.hostVars("db1").get("shard"));
        assertTrue(String.join("\n", stale.warnings()).contains("cmdb unreachable"), stale.warnings().toString());

        Files.delete(entry);
        InventoryException e = assertThrows(InventoryException.class, () -> load(config));
        assertTrue(e.getMessage().startsWith(config + ": jplay.script: ") && e.getMessage().contains("cmdb.sh --list")
                && e.getMessage().contains("exit 3"), e.getMessage());
    }

    @Test
    void missingScriptIsReported() {
        Path config = write(dir, "cmdb.yml", "plugin: jplay.script", "path: nope.sh");
        InventoryException e = assertThrows(InventoryException.class, () -> load(config));
        assertTrue(e.getMessage().contains(config + ": jplay.script: 'path' is no executable file: " + dir.resolve("nope.sh")), e.getMessage());
    }
}
