package dev.jplay.engine.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayCacheTest {
    @TempDir Path dir;

    @Test
    void theCacheStaysWithinItsBoundByDroppingTheLeastRecentlyUsedBlobs() throws Exception {
        RelayCache cache = new RelayCache(dir, 16);
        Digest old = cache.store().put("aaaaaaaa".getBytes(StandardCharsets.UTF_8));
        Digest mid = cache.store().put("bbbbbbbb".getBytes(StandardCharsets.UTF_8));
        Digest recent = cache.store().put("cccccccc".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(cache.store().path(old), FileTime.fromMillis(1_000));
        Files.setLastModifiedTime(cache.store().path(mid), FileTime.fromMillis(2_000));
        Files.setLastModifiedTime(cache.store().path(recent), FileTime.fromMillis(3_000));
        cache.trim();
        assertFalse(cache.store().has(old), "24 bytes over a 16-byte bound: the oldest goes");
        assertTrue(cache.store().has(mid));
        assertTrue(cache.store().has(recent));
    }

    @Test
    void thePullModeIsRegistryUnlessARelayIsAskedFor() {
        assertEquals(ImagePullMode.REGISTRY, ImagePullMode.parse(null));
        assertEquals(ImagePullMode.REGISTRY, ImagePullMode.parse("registry"));
        assertEquals(ImagePullMode.RELAY, ImagePullMode.parse(" Relay "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImagePullMode.parse("p2p"));
        assertTrue(e.getMessage().contains("jplay_image_pull"), e.getMessage());
    }
}
