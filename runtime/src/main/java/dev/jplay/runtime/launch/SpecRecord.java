package dev.jplay.runtime.launch;

import dev.jplay.protocol.Json;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a container was created from ({@code spec.json}): the desired spec, the image digest and the rootfs path.
 * Two records with equal {@link #hash()} describe the same container; otherwise {@link #diff} says what changed.
 */
record SpecRecord(ContainerSpec spec, String imageDigest, String rootfs) {

    static SpecRecord of(ContainerSpec spec, ContainerImage image) {
        return new SpecRecord(spec, image.digest(), image.rootfs().toString());
    }

    /**
     * {@code spec} (fields and {@code env} sorted by name, nulls kept), then {@code image_digest} and {@code rootfs}.
     * This exact form is what {@link #hash()} digests: it is the one jackson-databind wrote (sorted properties and map
     * entries) before the agent dropped databind, so a recorded hash stays valid across that upgrade.
     */
    Map<String, Object> toJson() {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("spec", specJson(spec));
        node.put("image_digest", imageDigest);
        node.put("rootfs", rootfs);
        return node;
    }

    private static Map<String, Object> specJson(ContainerSpec s) {
        Map<String, Object> m = new TreeMap<>();
        m.put("command", s.command());
        m.put("cpus", s.cpus());
        m.put("entrypoint", s.entrypoint());
        m.put("env", new TreeMap<>(s.env()));
        m.put("hostname", s.hostname());
        // Absent in a spec recorded before logs were capped, so that its hash stays the one it was written with.
        if (s.log() != null) m.put("log", s.log().toJson());
        m.put("memory", s.memory());
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (BindMount b : s.mounts()) {
            Map<String, Object> mount = new TreeMap<>();
            mount.put("readOnly", b.readOnly());
            mount.put("source", b.source());
            mount.put("target", b.target());
            mounts.add(mount);
        }
        m.put("mounts", mounts);
        m.put("name", s.name());
        m.put("network_mode", s.networkMode().id());
        m.put("read_only", s.readOnly());
        m.put("restart_policy", s.restartPolicy().id());
        m.put("restart_retries", s.restartRetries());
        m.put("stop_timeout", s.stopTimeout());
        m.put("user", s.user());
        m.put("working_dir", s.workingDir());
        return m;
    }

    private static ContainerSpec spec(Map<String, Object> m) {
        List<BindMount> mounts = new ArrayList<>();
        List<Object> entries = Json.list(m, "mounts");
        if (entries != null) {
            for (Object entry : entries) {
                Map<String, Object> b = Json.asObject(entry);
                mounts.add(new BindMount(Json.string(b, "source"), Json.string(b, "target"),
                        Boolean.TRUE.equals(Json.booleanValue(b, "readOnly"))));
            }
        }
        return new ContainerSpec(Json.string(m, "name"), Json.strings(m, "command"), Json.strings(m, "entrypoint"),
                Json.stringMap(m, "env"), mounts, Json.string(m, "hostname"), Json.string(m, "memory"),
                Json.doubleValue(m, "cpus"), Boolean.TRUE.equals(Json.booleanValue(m, "read_only")), Json.string(m, "user"),
                Json.string(m, "working_dir"), RestartPolicy.parse(Json.string(m, "restart_policy")),
                intOrZero(m, "restart_retries"), NetworkMode.parse(Json.string(m, "network_mode")),
                intOrZero(m, "stop_timeout"), LogConfig.fromJson(Json.object(m, "log")));
    }

    private static int intOrZero(Map<String, Object> m, String key) {
        Integer value = Json.intValue(m, key);
        return value == null ? 0 : value;
    }

    /** sha256 of the canonical JSON (sorted keys), stable across runs and JVMs. */
    String hash() {
        try {
            byte[] canonical = Json.write(toJson());
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash container spec", e);
        }
    }

    String write() {
        Map<String, Object> node = toJson();
        node.put("spec_hash", hash());
        return new String(Json.writePretty(node), StandardCharsets.UTF_8);
    }

    static SpecRecord read(Path file) {
        try {
            Map<String, Object> node = Json.parseObject(file);
            Map<String, Object> spec = Json.object(node, "spec");
            if (spec == null) throw new IOException("no 'spec' object");
            return new SpecRecord(spec(spec), Json.string(node, "image_digest"), Json.string(node, "rootfs"));
        } catch (IOException | RuntimeException e) {
            throw new LaunchException(Step.INSPECT, "STATE_UNREADABLE",
                    "cannot read container spec " + file + ": " + e.getMessage(), e);
        }
    }

    /** The top-level fields of a spec.json a status or an unchanged check needs. */
    record Summary(String imageDigest, String specHash) {}

    /** {@code image_digest} and {@code spec_hash} of {@code file}. */
    static Summary summary(Path file) {
        try {
            Map<String, Object> node = Json.parseObject(file);
            return new Summary(Json.string(node, "image_digest"), Json.string(node, "spec_hash"));
        } catch (IOException | RuntimeException e) {
            throw new LaunchException(Step.INSPECT, "STATE_UNREADABLE",
                    "cannot read container spec " + file + ": " + e.getMessage(), e);
        }
    }

    /** "field: old -> new" for every differing field ({@code spec.} fields by their Ansible names). */
    @SuppressWarnings("unchecked")
    List<String> diff(SpecRecord desired) {
        List<String> lines = new ArrayList<>();
        Map<String, Object> before = toJson();
        Map<String, Object> after = desired.toJson();
        compare((Map<String, Object>) before.remove("spec"), (Map<String, Object>) after.remove("spec"), lines);
        compare(before, after, lines);
        return lines;
    }

    private static void compare(Map<String, Object> before, Map<String, Object> after, List<String> lines) {
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            Object a = before.get(name);
            Object b = after.get(name);
            if (!Objects.equals(a, b)) lines.add(name + ": " + render(a) + " -> " + render(b));
        }
    }

    private static String render(Object value) {
        return value == null ? "null" : value instanceof String s ? s : Json.writeString(value);
    }
}
