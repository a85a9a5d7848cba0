package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.protocol.AgentLaunch;
import dev.jplay.engine.connection.AgentJar;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real agent processes (the built agent jar) sharing one host's state directory, as two {@code jplay apply} runs
 * (or a scheduler and a person) reaching one host do, against a real docker-registry on loopback.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class SharedHostStoresIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static RegistryServer registry;
    static TestImages.Pushed web;
    static TestImages.Pushed bulky;

    @TempDir
    Path tmp;
    private final List<Agent> agents = new ArrayList<>();

    @BeforeAll
    static void registry(@TempDir Path dir) throws Exception {
        registry = RegistryServer.start(dir.resolve("registry"));
        web = TestImages.pushBusybox(registry, "shared/web:1", "two agents\n");
        // A 48 MB index.html: its layer takes long enough to download and unpack to kill an agent in the middle.
        byte[] noise = new byte[24 << 20];
        new Random(7).nextBytes(noise);
        bulky = TestImages.pushBusybox(registry, "shared/bulky:1", HexFormat.of().formatHex(noise));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) registry.close();
    }

    @AfterEach
    void stopAgents() {
        agents.forEach(Agent::kill);
    }

    @Test
    void twoAgentsPullingOneImageIntoOneStoreAtOnceBothSucceed() throws Exception {
        for (int round = 0; round < 4; round++) {
            Path state = tmp.resolve("state-" + round);
            Agent first = start(state);
            Agent second = start(state);
            CompletableFuture<JsonNode> a = first.run("image", Map.of("name", web.reference(), "insecure", true));
            CompletableFuture<JsonNode> b = second.run("image", Map.of("name", web.reference(), "insecure", true));
            for (JsonNode result : List.of(a.get(120, TimeUnit.SECONDS), b.get(120, TimeUnit.SECONDS))) {
                assertNotEquals("failed", result.path("status").asText(), "round " + round + ": " + result);
                assertEquals(web.digest(), result.path("data").path("image").path("digest").asText());
            }
            int unpacked = a.get().path("data").path("image").path("layers_unpacked").asInt()
                    + b.get().path("data").path("image").path("layers_unpacked").asInt();
            assertTrue(unpacked >= 2, "each layer unpacked by at least one agent: " + unpacked);
            for (var layer : web.image().layers()) {
                Path fs = state.resolve("images/layers/sha256/" + layer.diffId().hex() + "/fs");
                assertTrue(Files.isDirectory(fs), "layer present: " + fs);
            }
            assertEquals("two agents\n", Files.readString(state.resolve("images/layers/sha256/"
                    + web.image().layers().get(1).diffId().hex() + "/fs/www/index.html")));
            assertEquals(List.of(), list(state.resolve("images/tmp")), "no temp tree or lock file left");
            assertEquals(List.of(web.reference()), List.copyOf(recordedImages(state)));
            first.close();
            second.close();
        }
    }

    @Test
    void anAgentKilledMidPullLeavesGarbageTheNextPullReclaimsAndReports() throws Exception {
        Path state = tmp.resolve("state");
        Path temp = state.resolve("images/tmp");
        Agent doomed = start(state);
        doomed.run("image", Map.of("name", bulky.reference(), "insecure", true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (bytesUnder(temp) < (4 << 20)) { // wait until the big file is partly written
            assertTrue(System.nanoTime() < deadline, "the pull never reached the unpack");
            Thread.onSpinWait();
        }
        doomed.kill();
        long left = bytesUnder(temp);
        assertTrue(left > 0, "the killed agent left its half-unpacked layer");

        Agent next = start(state);
        JsonNode result = next.run("image", Map.of("name", bulky.reference(), "insecure", true)).get(120, TimeUnit.SECONDS);
        assertEquals("changed", result.path("status").asText(), result.toString());
        assertEquals(left, result.path("data").path("image").path("reclaimed_bytes").asLong(), result.toString());
        assertEquals(List.of(), list(temp), "the dead agent's tree and lock file are gone, and this pull's own");
        Path index = state.resolve("images/layers/sha256/" + bulky.image().layers().get(1).diffId().hex() + "/fs/www/index.html");
        assertEquals(48L << 20, Files.size(index));
        long blob = bulky.image().layers().get(1).blob().bytes().length;
        assertTrue(result.path("data").path("image").path("bytes_downloaded").asLong() < blob,
                "the killed agent's partial download was kept and resumed: " + result);
        next.close();
    }

    private Agent start(Path state) throws Exception {
        Agent agent = new Agent(state);
        agents.add(agent);
        return agent;
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long bytesUnder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (java.io.UncheckedIOException raced) {
            return 0; // a file went while we walked: look again
        }
    }

    private static List<String> recordedImages(Path state) throws IOException {
        List<String> refs = new ArrayList<>();
        JSON.readTree(state.resolve("images/images.json").toFile()).path("images").fieldNames().forEachRemaining(refs::add);
        return refs;
    }

    /** One agent JVM started from the built jar, speaking JSON lines on its stdin/stdout. */
    private static final class Agent implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final BufferedReader out;
        private int nextId = 1;

        Agent(Path state) throws Exception {
            // The embedded jar is inside the controller's jar when the reactor runs from packaged modules: copy it out.
            Path jar = state.resolveSibling("jplay-agent.jar");
            if (!Files.exists(jar)) {
                try (InputStream embedded = AgentJar.class.getResourceAsStream("/dev/jplay/agent/jplay-agent.jar")) {
                    assertNotNull(embedded, "the agent jar is embedded in the controller");
                    Files.copy(embedded, jar);
                }
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(AgentLaunch.javaArgs(jar.toString()));
            command.addAll(List.of("--state-dir", state.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("LC_ALL", AgentLaunch.LOCALE);
            process = builder.start();
            in = process.getOutputStream();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String hello = CompletableFuture.supplyAsync(this::readLine).get(60, TimeUnit.SECONDS);
            assertNotNull(hello, "agent said hello");
            assertEquals("hello", JSON.readTree(hello).path("type").asText());
        }

        /** Sends one request; the future completes with its result line (requests here run one at a time per agent). */
        CompletableFuture<JsonNode> run(String module, Map<String, Object> args) throws IOException {
            Map<String, Object> request = Map.of("type", "run", "id", nextId++, "module", module, "args", args);
            in.write(JSON.writeValueAsBytes(request));
            in.write('\n');
            in.flush();
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return JSON.readTree(readLine());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        private String readLine() {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws Exception {
            in.close(); // end of input: the agent finishes and exits
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "agent exited");
        }

        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
