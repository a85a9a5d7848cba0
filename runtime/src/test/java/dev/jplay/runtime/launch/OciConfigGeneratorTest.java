package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciConfigGeneratorTest {
    @TempDir Path rootfs;
    private final OciConfigGenerator generator = new OciConfigGenerator(4096);
    private static final ImageConfig NGINX_LIKE = new ImageConfig(List.of("/docker-entrypoint.sh"),
            List.of("nginx", "-g", "daemon off;"), List.of("PATH=/opt/bin:/bin", "NGINX_VERSION=1.25"), "/srv", "app");

    @BeforeEach
    void etcFiles() throws IOException {
        BusyboxRootfs.write(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1234:2345::/home/app:/bin/sh\n");
        BusyboxRootfs.write(rootfs.resolve("etc/group"), "root:x:0:\napp:x:2345:\nwheel:x:10:app,root\n");
    }

    @Test
    void safeDefaultsLikeDocker() {
        JsonNode config = generate(generator, ContainerSpec.builder("web").build(), NGINX_LIKE, rootfs);
        JsonNode process = config.get("process");
        assertEquals(14, process.at("/capabilities/bounding").size());
        assertEquals(strings(process.at("/capabilities/bounding")), strings(process.at("/capabilities/effective")));
        assertFalse(strings(process.at("/capabilities/bounding")).contains("CAP_SYS_ADMIN"));
        assertTrue(process.get("noNewPrivileges").asBoolean());
        assertFalse(process.get("terminal").asBoolean());
        assertEquals("RLIMIT_NOFILE", process.at("/rlimits/0/type").asText());
        assertEquals(4096, process.at("/rlimits/0/hard").asLong());
        assertEquals(List.of("pid", "ipc", "uts", "mount", "network"), namespaceTypes(config));
        assertTrue(strings(config.at("/linux/maskedPaths")).containsAll(List.of("/proc/kcore", "/proc/keys", "/sys/firmware")));
        assertTrue(strings(config.at("/linux/readonlyPaths")).contains("/proc/sys"));
        assertEquals("/jplay-web", config.at("/linux/cgroupsPath").asText());
        assertEquals(rootfs.toString(), config.at("/root/path").asText());
        assertFalse(config.at("/root/readonly").asBoolean());
        assertEquals("web", config.get("hostname").asText());
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"), destinations(config));
        JsonNode sys = config.at("/mounts/5");
        assertTrue(strings(sys.get("options")).contains("ro"));
        assertTrue(config.at("/linux/resources/memory").isMissingNode());
    }

    @Test
    void imageDecidesWhenTaskIsSilent() {
        JsonNode process = generate(generator, ContainerSpec.builder("web").build(), NGINX_LIKE, rootfs).get("process");
        assertEquals(List.of("/docker-entrypoint.sh", "nginx", "-g", "daemon off;"), strings(process.get("args")));
        assertEquals("/srv", process.get("cwd").asText());
        assertEquals(1234, process.at("/user/uid").asInt());
        assertEquals(2345, process.at("/user/gid").asInt());
        assertEquals(List.of(10), ints(process.at("/user/additionalGids")));
        assertTrue(strings(process.get("env")).contains("PATH=/opt/bin:/bin"));
    }

    @Test
    void taskLimitsUserNetworkMountsAndReadOnly() throws IOException {
        Path data = Files.createDirectories(rootfs.resolveSibling(rootfs.getFileName() + "-data"));
        ContainerSpec spec = ContainerSpec.builder("db").memory("256m").cpus(1.5).readOnly(true).user("1000:1001")
                .hostname("db1").networkMode(NetworkMode.parse("/run/netns/db")).mount(data.toString(), "/data", true).build();
        JsonNode config = generate(generator, spec, new ImageConfig(null, List.of("sh"), null, null, null), rootfs);
        assertEquals(256L << 20, config.at("/linux/resources/memory/limit").asLong());
        assertEquals(150_000, config.at("/linux/resources/cpu/quota").asLong());
        assertEquals(100_000, config.at("/linux/resources/cpu/period").asLong());
        assertTrue(config.at("/root/readonly").asBoolean());
        assertEquals(1000, config.at("/process/user/uid").asInt());
        assertEquals(1001, config.at("/process/user/gid").asInt());
        assertEquals("db1", config.get("hostname").asText());
        assertEquals("/run/netns/db", config.at("/linux/namespaces/4/path").asText());
        JsonNode bind = config.at("/mounts/7");
        assertEquals("/data", bind.get("destination").asText());
        assertEquals(data.toString(), bind.get("source").asText());
        assertEquals(List.of("rbind", "rprivate", "ro"), strings(bind.get("options")));
    }

    @Test
    void hostNetworkSharesTheHostNamespace() {
        JsonNode config = generate(generator, ContainerSpec.builder("h").networkMode(NetworkMode.HOST).build(),
                new ImageConfig(null, List.of("sh"), null, null, null), rootfs);
        assertEquals(List.of("pid", "ipc", "uts", "mount"), namespaceTypes(config));
    }

    @Test
    void onlyTaskMountsReachTheHost() {
        // Whatever the image says, the only mounts are the standard ones: ImageConfig cannot express host mounts.
        JsonNode config = generate(generator, ContainerSpec.builder("v").build(), NGINX_LIKE, rootfs);
        for (JsonNode mount : config.get("mounts")) assertFalse(mount.get("type").asText().equals("bind"), mount.toString());
    }

    @Test
    void unknownUserNameIsASpecError() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> generator.generate(ContainerSpec.builder("u").user("ghost").command("sh").build(), ImageConfig.EMPTY, rootfs));
        assertEquals(Step.ARGS, e.step());
        assertEquals("BAD_USER", e.code());
        assertTrue(e.getMessage().contains("ghost"));
    }

    @Test
    void relativeRootfsIsRefused() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> generator.generate(ContainerSpec.builder("r").command("sh").build(), ImageConfig.EMPTY, Path.of("rootfs")));
        assertEquals("BAD_ROOTFS", e.code());
    }

    @Test
    void nofileDefaultIsDockersCappedByThisProcess() {
        long limit = OciConfigGenerator.openFilesHardLimit();
        assertTrue(limit > 0);
        JsonNode config = generate(new OciConfigGenerator(), ContainerSpec.builder("n").command("sh").build(), ImageConfig.EMPTY, rootfs);
        assertEquals(Math.min(limit, OciConfigGenerator.DOCKER_NOFILE_LIMIT), config.at("/process/rlimits/0/soft").asLong());
    }

    /** The generated config as a databind tree, for path-style assertions. */
    private static JsonNode generate(OciConfigGenerator generator, ContainerSpec spec, ImageConfig image, Path rootfs) {
        return new ObjectMapper().valueToTree(generator.generate(spec, image, rootfs));
    }

    private static List<String> namespaceTypes(JsonNode config) {
        List<String> types = new ArrayList<>();
        config.at("/linux/namespaces").forEach(n -> types.add(n.get("type").asText()));
        return types;
    }

    private static List<String> destinations(JsonNode config) {
        List<String> d = new ArrayList<>();
        config.get("mounts").forEach(m -> d.add(m.get("destination").asText()));
        return d;
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }
}
