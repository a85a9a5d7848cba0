package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.modules.container.ContainerModule;
import dev.jplay.modules.container.ImageModule;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health gates and rollback of the {@code container} module as the agent runs it, as root: a real docker-registry on
 * loopback, real overlay mounts, real runc. Release v1 serves; release v2's default command logs a configuration
 * error and never serves.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class HealthRollbackIT {
    static final String V1_TOKEN = "v1-" + System.nanoTime();
    static final String V2_ERROR = "app v2: cannot read /etc/app.conf: no such file";
    static RegistryServer registry;
    static TestImages.Pushed v1;
    static TestImages.Pushed v2;

    @TempDir
    Path tmp;
    final ConcurrentHashMap<String, Object> agentState = new ConcurrentHashMap<>();
    final List<String> containers = new ArrayList<>();
    final ContainerModule container = new ContainerModule();
    final ImageModule image = new ImageModule();
    int port;

    @BeforeAll
    static void registry(@TempDir Path dir) throws Exception {
        registry = RegistryServer.start(dir.resolve("registry"));
        v1 = TestImages.pushBusybox(registry, "it/app:1", V1_TOKEN + "\n");
        v2 = TestImages.pushBusybox(registry, "it/app:2", "v2\n",
                List.of("sh", "-c", "echo '" + V2_ERROR + "' >&2; echo 'starting v2'; exec sleep 600"));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) registry.close();
    }

    @AfterEach
    void removeContainers() {
        for (String name : containers) {
            try {
                run(container, Map.of("name", name, "state", "absent"));
            } catch (ModuleException e) {
                System.err.println("cleanup of " + name + " failed: " + e.getMessage());
            }
        }
    }

    private ModuleResult run(TaskModule module, Map<String, Object> args) throws ModuleException {
        ModuleContext ctx = new ModuleContext(false, false, null, Map.of(), tmp.resolve("state"), agentState);
        return module.run(new ModuleArgs(module.name(), new LinkedHashMap<>(args)), ctx);
    }

    private String newContainer() throws IOException {
        String name = "jplay-health-" + Long.toHexString(System.nanoTime() & 0xffffff);
        containers.add(name);
        port = RegistryServer.freePort("127.0.0.1");
        return name;
    }

    /** v1 serves on the test's port (host network); v2 runs its own, never-serving default command. */
    private Map<String, Object> release(String name, TestImages.Pushed version, Map<String, Object> healthcheck) {
        Map<String, Object> args = new LinkedHashMap<>(Map.of("name", name, "image", version.reference(), "insecure", true,
                "network_mode", "host", "stop_timeout", 1));
        if (version == v1) args.put("command", List.of("httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/www"));
        if (healthcheck != null) args.put("healthcheck", healthcheck);
        return args;
    }

    private Map<String, Object> httpCheck() {
        return Map.of("http", Map.of("port", port, "path", "/"), "interval", "200ms", "timeout", 1, "retries", 3, "min_healthy", "600ms");
    }

    @Test
    @SuppressWarnings("unchecked")
    void badReleaseFailsItsGateWithTheLogTailAndRollbackRestoresTheGoodOne() throws Exception {
        String name = newContainer();
        ModuleResult good = run(container, release(name, v1, httpCheck()));
        assertTrue(good.isChanged());
        Map<String, Object> health = (Map<String, Object>) good.data().get("health");
        assertEquals("healthy", health.get("status"));
        assertEquals("http://127.0.0.1:" + port + "/", health.get("check"));
        assertTrue(((Number) health.get("elapsed_ms")).longValue() >= 600, "kept passing for min_healthy: " + health);
        assertTrue((int) health.get("attempts") >= 4, "checked every 200 ms for 600 ms: " + health);

        long t0 = System.nanoTime();
        ModuleException bad = assertThrows(ModuleException.class, () -> run(container, release(name, v2, httpCheck())));
        long gateMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("health", bad.step().id());
        assertEquals("CONNECTION_REFUSED", bad.code());
        Map<String, Object> detail = bad.detailMap();
        assertEquals(3, detail.get("attempts"), () -> detail.toString());
        assertEquals(true, detail.get("recreated"));
        assertEquals(v2.digest(), detail.get("image_digest"));
        assertEquals("running", detail.get("container_status"));
        assertTrue(String.valueOf(detail.get("stderr_tail")).contains(V2_ERROR), () -> "log tail: " + detail);
        assertTrue(String.valueOf(detail.get("stdout_tail")).contains("starting v2"), () -> "log tail: " + detail);
        assertTrue(bad.getMessage().contains("failed to become healthy") && bad.getMessage().contains("connection refused"), bad::getMessage);
        System.out.printf("[figures] failing health gate (3 retries, 200 ms interval): %d ms%n", gateMillis);

        // The previous revision's image survives a prune, even with its reference gone.
        run(image, Map.of("name", v1.reference(), "state", "absent", "prune", true));

        ModuleResult rolledBack = run(container, Map.of("name", name, "state", "rolled_back"));
        assertTrue(rolledBack.isChanged());
        assertEquals(v1.digest(), ((Map<String, Object>) rolledBack.data().get("to")).get("image_digest"));
        assertEquals(v2.digest(), ((Map<String, Object>) rolledBack.data().get("from")).get("image_digest"));
        assertEquals("healthy", ((Map<String, Object>) rolledBack.data().get("health")).get("status"),
                "the restored revision is checked as it was checked when deployed");
        assertEquals(V1_TOKEN + "\n", get(port));

        ModuleResult again = run(container, Map.of("name", name, "state", "rolled_back"));
        assertFalse(again.isChanged(), "already on the previous revision: " + again.msg());
        assertEquals(false, again.data().get("rolled_back"));
        assertEquals(V1_TOKEN + "\n", get(port));
    }

    @Test
    @SuppressWarnings("unchecked")
    void releaseThatCannotStartIsMarkedRecreatedAndRollsBack() throws Exception {
        String name = newContainer();
        assertTrue(run(container, release(name, v1, httpCheck())).isChanged());
        Map<String, Object> broken = release(name, v1, null);
        broken.put("command", List.of("/no/such/binary"));
        ModuleException failed = assertThrows(ModuleException.class, () -> run(container, broken));
        assertTrue(List.of("create", "start", "health").contains(failed.step().id()), () -> failed.step() + ": " + failed.getMessage());
        assertEquals(true, failed.detailMap().get("recreated"),
                () -> "the old container is gone: the failure must say so, for rollback: " + failed.detailMap());

        ModuleResult rolledBack = run(container, Map.of("name", name, "state", "rolled_back"));
        assertTrue(rolledBack.isChanged());
        assertEquals(V1_TOKEN + "\n", get(port));

        // A failure that leaves the old container in place (a bad image reference) is not marked.
        ModuleException early = assertThrows(ModuleException.class, () -> run(container, Map.of("name", name,
                "image", registry.hostPort() + "/it/none:1", "insecure", true, "network_mode", "host")));
        assertFalse(early.detailMap().containsKey("recreated"), () -> early.step() + " " + early.detailMap());
        assertEquals(V1_TOKEN + "\n", get(port));
    }

    @Test
    void failingCommandCheckAndWrongStatusAreLocated() throws Exception {
        String name = newContainer();
        ModuleException cmd = assertThrows(ModuleException.class, () -> run(container, release(name, v1,
                Map.of("cmd", List.of("sh", "-c", "echo database unreachable; exit 3"), "interval", "100ms", "retries", 2))));
        assertEquals("health", cmd.step().id());
        assertEquals("CMD_EXIT", cmd.code());
        assertEquals(3, cmd.detailMap().get("exit_code"));
        assertTrue(String.valueOf(cmd.detailMap().get("last_output")).contains("database unreachable"), () -> cmd.detailMap().toString());
        assertEquals(2, cmd.detailMap().get("attempts"));

        ModuleException status = assertThrows(ModuleException.class, () -> run(container, release(name, v1,
                Map.of("http", Map.of("port", port, "path", "/healthz"), "interval", "100ms", "retries", 2))));
        assertEquals("HTTP_STATUS", status.code());
        assertEquals(404, status.detailMap().get("http_status"));
        assertEquals(false, status.detailMap().get("recreated"), "same spec: the running container was only checked");

        ModuleResult passing = run(container, release(name, v1, Map.of("cmd", List.of("test", "-f", "/www/index.html"))));
        assertFalse(passing.isChanged());
        assertTrue(String.valueOf(passing.data().get("health")).contains("healthy"), () -> String.valueOf(passing.data()));
    }

    @Test
    void containerThatExitsFailsTheGateAtOnce() throws Exception {
        String name = newContainer();
        Map<String, Object> args = release(name, v1, Map.of("tcp", port, "start_period", 30, "interval", "100ms"));
        args.put("command", List.of("sh", "-c", "echo fatal: no license >&2; exit 7"));
        long t0 = System.nanoTime();
        ModuleException e = assertThrows(ModuleException.class, () -> run(container, args));
        assertEquals("CONTAINER_EXITED", e.code());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "did not sit out the 30 s start period");
        assertEquals(7, e.detailMap().get("container_exit_code"));
        assertTrue(String.valueOf(e.detailMap().get("stderr_tail")).contains("fatal: no license"), () -> e.detailMap().toString());
    }

    @Test
    void rollbackWithoutAPreviousRevisionIsOk() throws Exception {
        String name = newContainer();
        ModuleResult none = run(container, Map.of("name", name, "state", "rolled_back"));
        assertFalse(none.isChanged(), "no such container");
        run(container, release(name, v1, httpCheck()));
        ModuleResult first = run(container, Map.of("name", name, "state", "rolled_back"));
        assertFalse(first.isChanged(), "created once, never replaced: " + first.msg());
        assertTrue(first.msg().contains("no previous revision"), first::msg);
        assertEquals(V1_TOKEN + "\n", get(port));
    }

    private static String get(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
