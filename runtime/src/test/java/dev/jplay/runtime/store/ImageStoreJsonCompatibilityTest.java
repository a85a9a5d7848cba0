package dev.jplay.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jplay.runtime.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code images.json} as the jackson-databind code wrote it (commit fc4f33b; json-compat/images.json came from that OLD code). */
class ImageStoreJsonCompatibilityTest {
    @TempDir Path tmp;

    @Test
    void recordsWrittenBeforeAreReadAndWrittenBackUnchanged() throws IOException {
        String old;
        try (InputStream in = getClass().getResourceAsStream("/json-compat/images.json")) {
            old = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path file = Files.writeString(tmp.resolve("images.json"), old);
        ImageStore store = new ImageStore(file, new ContentStore(tmp.resolve("blobs")));
        ImageStore.ImageRecord nginx = store.get("docker.io/library/nginx:1.25").orElseThrow();
        assertEquals(Digest.parse("sha256:" + "ab".repeat(32)), nginx.digest());
        assertEquals("application/vnd.oci.image.index.v1+json", nginx.mediaType());
        assertNull(store.get("127.0.0.1:5000/app:1").orElseThrow().mediaType());

        store.record("example.com/other:1", Digest.parse("sha256:" + "ef".repeat(32)), null);
        store.remove("example.com/other:1"); // each change rewrites the file from the records
        assertEquals(old, Files.readString(file));
    }
}
