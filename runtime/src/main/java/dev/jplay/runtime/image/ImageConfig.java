package dev.jplay.runtime.image;

import dev.jplay.protocol.Json;
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

    public ImageConfig {
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        exposedPorts = exposedPorts == null ? Set.of() : Set.copyOf(exposedPorts);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
    }

    public static ImageConfig parse(byte[] json) throws IOException {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (IOException e) {
            throw new IOException("image config is not a JSON object: " + e.getMessage(), e);
        }
        try {
            Map<String, Object> config = Json.object(root, "config");
            if (config == null) config = Map.of();
            Map<String, Object> rootfs = Json.object(root, "rootfs");
            List<String> ids = rootfs == null ? null : Json.strings(rootfs, "diff_ids");
            List<Digest> diffIds = new ArrayList<>();
            for (String id : ids == null ? List.<String>of() : ids) {
                try {
                    diffIds.add(Digest.parse(id));
                } catch (IllegalArgumentException e) {
                    throw new IOException("image config has an invalid diff_id: " + e.getMessage(), e);
                }
            }
            Map<String, Object> exposed = Json.object(config, "ExposedPorts");
            Set<String> ports = exposed == null ? Set.of() : new LinkedHashSet<>(exposed.keySet());
            Map<String, Object> labelValues = Json.object(config, "Labels");
            Map<String, String> labels = new LinkedHashMap<>();
            if (labelValues != null) {
                // a null label reads as "null", as it always has (databind's asText)
                for (String name : labelValues.keySet()) labels.put(name, String.valueOf(Json.string(labelValues, name)));
            }
            return new ImageConfig(
                    Json.string(root, "os"),
                    Json.string(root, "architecture"),
                    Json.strings(config, "Entrypoint"),
                    Json.strings(config, "Cmd"),
                    Json.strings(config, "Env"),
                    Json.string(config, "WorkingDir"),
                    Json.string(config, "User"),
                    ports,
                    labels,
                    diffIds);
        } catch (IllegalArgumentException e) {
            throw new IOException("image config: " + e.getMessage(), e);
        }
    }
}
