package dev.jplay.runtime.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jplay.runtime.unpack.TarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Minimal OCI image layout writer/reader for tests (what umoci and skopeo read and write). */
final class OciLayout {
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Layer(byte[] blob, String mediaType, String diffId) {}

    record ImageLayer(Path blob, String mediaType, String diffId) {}

    private OciLayout() {}

    static void write(Path dir, String tag, List<Layer> layers) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("config");
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MANIFEST);
        ArrayNode layerDescs = manifest.putArray("layers");
        for (Layer l : layers) {
            diffIds.add(l.diffId());
            layerDescs.add(descriptor(dir, l.blob(), l.mediaType()));
        }
        manifest.set("config", descriptor(dir, JSON.writeValueAsBytes(config),
                "application/vnd.oci.image.config.v1+json"));
        ObjectNode m = descriptor(dir, JSON.writeValueAsBytes(manifest), MANIFEST);
        m.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").add(m);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    private static ObjectNode descriptor(Path dir, byte[] blob, String mediaType) throws IOException {
        String digest = TarBuilder.sha256(blob);
        Files.write(dir.resolve("blobs/sha256").resolve(digest.substring(7)), blob);
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", blob.length);
    }

    /** The layers of {@code tag}, bottom to top, with their diff_ids from the config. */
    static List<ImageLayer> read(Path dir, String tag) throws IOException {
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        for (JsonNode m : index.get("manifests")) {
            if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                JsonNode manifest = JSON.readTree(blob(dir, m.get("digest").asText()).toFile());
                JsonNode config = JSON.readTree(blob(dir, manifest.get("config").get("digest").asText()).toFile());
                List<ImageLayer> layers = new ArrayList<>();
                JsonNode diffIds = config.get("rootfs").get("diff_ids");
                for (int i = 0; i < manifest.get("layers").size(); i++) {
                    JsonNode l = manifest.get("layers").get(i);
                    layers.add(new ImageLayer(blob(dir, l.get("digest").asText()), l.get("mediaType").asText(),
                            diffIds.get(i).asText()));
                }
                return layers;
            }
        }
        throw new IOException("no tag " + tag + " in " + dir);
    }

    private static Path blob(Path dir, String digest) {
        return dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }
}
