package dev.jplay.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jplay.protocol.Json;
import dev.jplay.runtime.unpack.UnpackResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Manifests, indexes, image configs and unpack records read as the jackson-databind code read them (commit fc4f33b):
 * json-compat/manifests.txt and unpack.json hold what that OLD code produced for the same inputs, not the code under test.
 */
class ImageJsonCompatibilityTest {
    static final String D = "sha256:" + "b".repeat(64);

    /** The inputs the old outcomes were recorded for, in order. */
    static List<String> manifests() {
        String desc = "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + D + "\",\"size\":9007199254740993,\"annotations\":{\"a\":\"b\"},\"urls\":[\"http://x\"],\"extra\":{\"z\":1}}";
        String cfg = "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + D + "\",\"size\":10}";
        List<String> l = new ArrayList<>();
        l.add("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" + cfg + ",\"layers\":[" + desc + "],\"annotations\":{\"x\":\"y\"},\"subject\":null}");
        l.add("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + D + "\",\"size\":30,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\",\"os.features\":[\"a\"]}},{\"digest\":\"" + D + "\",\"size\":31}]}");
        l.add("{\"schemaVersion\":2,\"config\":{\"size\":10},\"layers\":[]}");
        l.add("{\"schemaVersion\":2,\"config\":" + cfg + ",\"layers\":{}}");
        l.add("{\"schemaVersion\":2,\"config\":" + cfg + ",\"layers\":[null]}");
        l.add("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha512:abc\",\"size\":1},\"layers\":[]}");
        l.add("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + D + "\",\"size\":-1},\"layers\":[]}");
        l.add("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" + D + "\",\"size\":1,\"platform\":{\"architecture\":\"amd64\"}}]}");
        l.add("{\"schemaVersion\":2,\"layers\":[]}");
        l.add("[1,2]");
        l.add("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}");
        l.add("{\"schemaVersion\":\"2\",\"config\":" + cfg + "}");
        return l;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ImageJsonCompatibilityTest.class.getResourceAsStream("/json-compat/" + name)) {
            if (in == null) throw new IOException("missing test resource json-compat/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void manifestsAndIndexesParseOrFailAsBefore() throws IOException {
        StringBuilder outcomes = new StringBuilder();
        for (String doc : manifests()) {
            try {
                ManifestDocument d = ManifestDocument.parse(doc.getBytes(StandardCharsets.UTF_8), null);
                outcomes.append("OK ").append(d.mediaType()).append(' ').append(d.manifest()).append(' ').append(d.index()).append('\n');
            } catch (ManifestFormatException e) {
                outcomes.append("ERR ").append(e.code()).append('\n');
            }
        }
        assertEquals(resource("manifests.txt"), outcomes.toString());
    }

    @Test
    void wrongTypesNameTheField() {
        String cfg = "{\"digest\":\"" + D + "\",\"size\":\"ten\"}";
        ManifestFormatException e = assertThrows(ManifestFormatException.class, () -> ManifestDocument.parse(
                ("{\"schemaVersion\":2,\"config\":" + cfg + ",\"layers\":[]}").getBytes(StandardCharsets.UTF_8), null));
        assertEquals(ManifestFormatException.INVALID_MANIFEST, e.code());
        assertEquals("malformed application/vnd.oci.image.manifest.v1+json: 'size' must be an integer, got \"ten\"", e.getMessage());
        e = assertThrows(ManifestFormatException.class, () -> ManifestDocument.parse(
                ("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" + D + "\",\"size\":1,\"urls\":\"x\"}]}").getBytes(StandardCharsets.UTF_8), null));
        assertEquals("malformed application/vnd.oci.image.index.v1+json: manifests[0]: 'urls' must be an array, got \"x\"", e.getMessage());
    }

    @Test
    void imageConfigsReadAsBefore() throws IOException {
        // What the old code returned for these inputs (labels and ports compare as map and set: their order was never kept).
        ImageConfig full = ImageConfig.parse(("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/e\"],"
                + "\"Cmd\":[\"a\",\"b\"],\"Env\":[\"A=1\"],\"WorkingDir\":\"/w\",\"User\":\"1000:1000\",\"ExposedPorts\":{\"80/tcp\":{},"
                + "\"53/udp\":{}},\"Labels\":{\"l1\":\"v1\",\"n\":null}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + D + "\"]},"
                + "\"history\":[]}").getBytes(StandardCharsets.UTF_8));
        assertEquals(new ImageConfig("linux", "amd64", List.of("/e"), List.of("a", "b"), List.of("A=1"), "/w", "1000:1000",
                Set.of("80/tcp", "53/udp"), Map.of("l1", "v1", "n", "null"), List.of(Digest.parse(D))), full);
        assertEquals(new ImageConfig("linux", "amd64", null, null, List.of(), null, null, Set.of(), Map.of(), List.of()),
                ImageConfig.parse("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("0", ImageConfig.parse("{\"config\":{\"User\":0}}".getBytes(StandardCharsets.UTF_8)).user());
        assertThrows(IOException.class, () -> ImageConfig.parse(
                "{\"config\":{\"Cmd\":null},\"rootfs\":{\"diff_ids\":[\"sha256:zz\"]}}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> ImageConfig.parse("[]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unpackRecordsRoundTripAsWrittenBefore() throws IOException {
        String old = resource("unpack.json");
        UnpackResult result = UnpackResult.fromJson(Json.parseObject(old.getBytes(StandardCharsets.UTF_8)));
        assertEquals(new UnpackResult(D, 12, 4294967296000L, List.of("", "etc/x"), List.of("dev/null")), result);
        assertEquals(old, Json.writeString(result.toJson()));
    }
}
