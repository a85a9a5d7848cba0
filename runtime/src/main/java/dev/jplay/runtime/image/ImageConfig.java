package dev.jplay.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of an image config blob a runtime needs: the process defaults and the layers' uncompressed
 * digests ({@code rootfs.diff_ids}, same order as the manifest's layers).
 */
public record ImageConfig(
        String os,
        String architecture,
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        Set<String> exposedPorts,
        Map<String, String> labels,
        List<Digest> diffIds) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageConfig {
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        exposedPorts = exposedPorts == null ? Set.of() : Set.copyOf(exposedPorts);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
    }

    public static ImageConfig parse(byte[] json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) throw new IOException("image config is not a JSON object");
        JsonNode config = root.path("config");
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode id : root.path("rootfs").path("diff_ids")) {
            try {
                diffIds.add(Digest.parse(id.asText()));
            } catch (IllegalArgumentException e) {
                throw new IOException("image config has an invalid diff_id: " + e.getMessage(), e);
            }
        }
        Set<String> ports = new LinkedHashSet<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ImageConfig(
                text(root.get("os")),
                text(root.get("architecture")),
                strings(config.get("Entrypoint")),
                strings(config.get("Cmd")),
                strings(config.get("Env")),
                text(config.get("WorkingDir")),
                text(config.get("User")),
                ports,
                labels,
                diffIds);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || node.isNull()) return null;
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}
