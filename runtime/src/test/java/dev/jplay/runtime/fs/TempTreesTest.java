package dev.jplay.runtime.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempTreesTest {
    @TempDir
    Path tmp;

    private List<String> entries() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aTreeWithoutLockFileIsJudgedByCtimeNotByTheMtimesAnUnpackSetsBack() throws Exception {
        // An agent from before lock files, unpacking: it sets each file's mtime to the layer's, years back.
        Path legacy = Files.createDirectories(tmp.resolve("0123456789ab-111/fs"));
        Files.write(legacy.resolve("f"), new byte[500]);
        FileTime layerTime = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
        for (Path p : List.of(legacy.resolve("f"), legacy, legacy.getParent())) Files.setLastModifiedTime(p, layerTime);

        assertTrue(TempTrees.changedSince(legacy.getParent(), Instant.now().minusSeconds(60)));
        assertEquals(0, new TempTrees(tmp).sweep(), "changed a moment ago: perhaps still being written");
        assertEquals(List.of("0123456789ab-111"), entries());

        // The same tree seen as idle (a negative idle time puts "an hour ago" in the future).
        assertFalse(TempTrees.changedSince(legacy.getParent(), Instant.now().plusSeconds(60)));
        assertEquals(500, new TempTrees(tmp, Duration.ofMinutes(-1)).sweep());
        assertEquals(List.of(), entries(), "the tree and the reservation it was moved into are gone");
    }

    @Test
    void aReservationsTreeAndLockFileGoWhenItCloses() throws Exception {
        TempTrees temps = new TempTrees(tmp);
        Path path;
        try (TempTrees.Reservation r = temps.reserve("x-")) {
            path = r.path();
            Files.createDirectories(path.resolve("a/b"));
            Files.write(path.resolve("a/b/c"), new byte[10]);
            assertEquals(List.of(path.getFileName() + ".lock", path.getFileName().toString()).stream().sorted().toList(), entries());
            assertEquals(0, temps.sweep(), "held by us");
        }
        assertFalse(Files.exists(path));
        assertEquals(List.of(), entries());
    }
}
