package dev.jplay.runtime.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** An image built in memory for tests: gzip tar layers, a config, a manifest (OCI or Docker schema 2). */
final class TestImage {
    static final ObjectMapper JSON = new ObjectMapper();

    record Blob(String mediaType, byte[] bytes, Digest digest) {
        static Blob of(String mediaType, byte[] bytes) {
            return new Blob(mediaType, bytes, Digest.of(bytes));
        }

        ObjectNode descriptor() {
            ObjectNode node = JSON.createObjectNode();
            node.put("mediaType", mediaType);
            node.put("digest", digest.toString());
            node.put("size", bytes.length);
            return node;
        }
    }

    record Layer(Blob blob, Digest diffId) {}

    final List<Layer> layers;
    final Blob config;
    final Blob manifest;

    private TestImage(List<Layer> layers, Blob config, Blob manifest) {
        this.layers = layers;
        this.config = config;
        this.manifest = manifest;
    }

    static Layer layer(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setMode(0644);
                out.putArchiveEntry(entry);
                out.write(file.getValue());
                out.closeArchiveEntry();
            }
        }
        byte[] tarBytes = tar.toByteArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz, 64 * 1024) {
            { def.setLevel(Deflater.BEST_SPEED); }
        }) {
            out.write(tarBytes);
        }
        return new Layer(Blob.of(MediaTypes.OCI_LAYER_GZIP, gz.toByteArray()), Digest.of(tarBytes));
    }

    static Layer textLayer(String name, String content) throws IOException {
        return layer(Map.of(name, content.getBytes(StandardCharsets.UTF_8)));
    }

    static Layer randomLayer(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return layer(Map.of(name, data));
    }

    static TestImage oci(String architecture, List<Layer> layers) throws IOException {
        return build(architecture, layers, false);
    }

    static TestImage docker(String architecture, List<Layer> layers) throws IOException {
        return build(architecture, layers, true);
    }

    private static TestImage build(String architecture, List<Layer> layers, boolean docker) throws IOException {
        String layerType = docker ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP;
        List<Layer> typed = new ArrayList<>();
        for (Layer l : layers) typed.add(new Layer(new Blob(layerType, l.blob().bytes(), l.blob().digest()), l.diffId()));
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", architecture);
        config.put("os", "linux");
        ObjectNode process = config.putObject("config");
        process.putArray("Entrypoint").add("/bin/app");
        process.putArray("Cmd").add("--arch").add(architecture);
        process.putArray("Env").add("PATH=/usr/bin:/bin").add("ARCH=" + architecture);
        process.put("WorkingDir", "/srv");
        process.put("User", "1000:1000");
        process.putObject("ExposedPorts").putObject("8080/tcp");
        process.putObject("Labels").put("org.example.arch", architecture);
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        typed.forEach(l -> diffIds.add(l.diffId().toString()));
        Blob configBlob = Blob.of(docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, JSON.writeValueAsBytes(config));

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        String manifestType = docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
        manifest.put("mediaType", manifestType);
        manifest.set("config", configBlob.descriptor());
        ArrayNode layerArray = manifest.putArray("layers");
        typed.forEach(l -> layerArray.add(l.blob().descriptor()));
        return new TestImage(typed, configBlob, Blob.of(manifestType, JSON.writeValueAsBytes(manifest)));
    }

    /** An OCI index over images, one entry per image with its config's architecture. */
    static Blob index(Map<String, TestImage> byArchitecture) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        byArchitecture.forEach((arch, image) -> {
            ObjectNode entry = image.manifest.descriptor();
            String[] parts = arch.split("/");
            ObjectNode platform = entry.putObject("platform");
            platform.put("architecture", parts[0]);
            platform.put("os", "linux");
            if (parts.length > 1) platform.put("variant", parts[1]);
            manifests.add(entry);
        });
        return Blob.of(MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(index));
    }
}
