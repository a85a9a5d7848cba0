package dev.jplay.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestDocumentTest {
    private static final String D = "sha256:" + "b".repeat(64);
    private static final String MANIFEST_BODY = "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + D
            + "\",\"size\":10},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + D + "\",\"size\":20}]";
    private static final String INDEX_BODY = "\"manifests\":[{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + D
            + "\",\"size\":30,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]";

    private static byte[] json(String mediaType, String body) {
        String type = mediaType == null ? "" : "\"mediaType\":\"" + mediaType + "\",";
        return ("{\"schemaVersion\":2," + type + body + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesAManifest() throws Exception {
        ManifestDocument doc = ManifestDocument.parse(json(MediaTypes.OCI_MANIFEST, MANIFEST_BODY), MediaTypes.OCI_MANIFEST + "; charset=utf-8");
        assertEquals(MediaTypes.OCI_MANIFEST, doc.mediaType());
        assertEquals(20, doc.manifest().layers().get(0).size());
        assertEquals(Digest.of(json(MediaTypes.OCI_MANIFEST, MANIFEST_BODY)), doc.digest());
    }

    @Test
    void parsesAnIndexAndSelectsThePlatform() throws Exception {
        ManifestDocument doc = ManifestDocument.parse(json(null, INDEX_BODY), MediaTypes.OCI_INDEX);
        assertTrue(doc.isIndex());
        assertEquals(30, doc.index().select(Platform.parse("linux/arm64")).orElseThrow().size());
        assertTrue(doc.index().select(Platform.parse("linux/amd64")).isEmpty());
    }

    @Test
    void rejectsAMediaTypeFieldThatDisagreesWithContentType() {
        ManifestFormatException e = assertThrows(ManifestFormatException.class,
                () -> ManifestDocument.parse(json(MediaTypes.DOCKER_MANIFEST, MANIFEST_BODY), MediaTypes.OCI_MANIFEST));
        assertEquals(ManifestFormatException.MEDIATYPE_MISMATCH, e.code());
    }

    @Test
    void rejectsAManifestServedAsAnIndex() {
        ManifestFormatException e = assertThrows(ManifestFormatException.class,
                () -> ManifestDocument.parse(json(null, MANIFEST_BODY), MediaTypes.OCI_INDEX));
        assertEquals(ManifestFormatException.MEDIATYPE_MISMATCH, e.code());
    }

    @Test
    void rejectsAnAmbiguousDocumentWithBothShapes() {
        ManifestFormatException e = assertThrows(ManifestFormatException.class,
                () -> ManifestDocument.parse(json(MediaTypes.OCI_MANIFEST, MANIFEST_BODY + "," + INDEX_BODY), MediaTypes.OCI_MANIFEST));
        assertEquals(ManifestFormatException.MEDIATYPE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    }

    @Test
    void rejectsGarbage() {
        assertEquals(ManifestFormatException.INVALID_MANIFEST, assertThrows(ManifestFormatException.class,
                () -> ManifestDocument.parse("not json".getBytes(StandardCharsets.UTF_8), null)).code());
        assertEquals(ManifestFormatException.INVALID_MANIFEST, assertThrows(ManifestFormatException.class,
                () -> ManifestDocument.parse(json("application/vnd.docker.distribution.manifest.v1+json", MANIFEST_BODY), null)).code());
    }
}
