package dev.jplay.runtime.launch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * What a container was created from ({@code spec.json}): the desired spec, the image digest and the rootfs path.
 * Two records with equal {@link #hash()} describe the same container; otherwise {@link #diff} says what changed.
 */
record SpecRecord(ContainerSpec spec, String imageDigest, String rootfs) {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    static SpecRecord of(ContainerSpec spec, ContainerImage image) {
        return new SpecRecord(spec, image.digest(), image.rootfs().toString());
    }

    ObjectNode toJson() {
        ObjectNode node = MAPPER.createObjectNode();
        node.set("spec", MAPPER.valueToTree(spec));
        node.put("image_digest", imageDigest);
        node.put("rootfs", rootfs);
        return node;
    }

    /** sha256 of the canonical JSON (sorted keys), stable across runs and JVMs. */
    String hash() {
        try {
            byte[] canonical = MAPPER.writeValueAsBytes(toJson());
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash container spec", e);
        }
    }

    String write() throws IOException {
        ObjectNode node = toJson();
        node.put("spec_hash", hash());
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    static SpecRecord read(Path file) {
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            ContainerSpec spec = MAPPER.treeToValue(node.get("spec"), ContainerSpec.class);
            return new SpecRecord(spec, text(node, "image_digest"), text(node, "rootfs"));
        } catch (IOException | IllegalArgumentException e) {
            throw new LaunchException(LaunchException.Step.INSPECT, "STATE_UNREADABLE",
                    "cannot read container spec " + file + ": " + e.getMessage(), e);
        }
    }

    /** The top-level fields of a spec.json a status or an unchanged check needs; the spec itself is skipped unparsed. */
    record Summary(String imageDigest, String specHash) {}

    /** {@code image_digest} and {@code spec_hash} of {@code file}, read with the streaming parser (no data binding). */
    static Summary summary(Path file) {
        String imageDigest = null;
        String specHash = null;
        try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("image_digest")) imageDigest = p.getValueAsString();
                else if (name.equals("spec_hash")) specHash = p.getValueAsString();
                else p.skipChildren();
            }
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Step.INSPECT, "STATE_UNREADABLE",
                    "cannot read container spec " + file + ": " + e.getMessage(), e);
        }
        return new Summary(imageDigest, specHash);
    }

    /** "field: old -> new" for every differing field ({@code spec.} fields by their Ansible names). */
    List<String> diff(SpecRecord desired) {
        List<String> lines = new ArrayList<>();
        ObjectNode before = toJson();
        ObjectNode after = desired.toJson();
        compare("", (ObjectNode) before.get("spec"), (ObjectNode) after.get("spec"), lines);
        before.remove("spec");
        after.remove("spec");
        compare("", before, after, lines);
        return lines;
    }

    private static void compare(String prefix, ObjectNode before, ObjectNode after, List<String> lines) {
        TreeSet<String> names = new TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode a = before.get(name);
            JsonNode b = after.get(name);
            if (a == null ? b != null && !b.isNull() : !a.equals(b) && !(a.isNull() && b == null)) {
                lines.add(prefix + name + ": " + render(a) + " -> " + render(b));
            }
        }
    }

    private static String render(JsonNode node) {
        return node == null || node.isNull() ? "null" : node.isTextual() ? node.asText() : node.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
