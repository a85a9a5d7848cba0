package dev.jplay.inventory.plugins;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.inventory.InventoryJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jplay.http against a real HTTP server on loopback. */
class HttpPluginTest {
    static final String LISTING = """
            {"web": {"hosts": ["w1", "w2"], "vars": {"http_port": 80}, "children": ["edge"]},
             "edge": {"hosts": ["e1"]},
             "_meta": {"hostvars": {"w1": {"ansible_host": "10.0.0.1"}, "e1": {"tier": "edge"}}}}""";

    @TempDir Path dir;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicReference<String> authorization = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/inventory", ex -> {
            requests.incrementAndGet();
            authorization.set(ex.getRequestHeaders().getFirst("Authorization"));
            if (failing.get()) respond(ex, 503, "down for maintenance");
            else respond(ex, 200, LISTING);
        });
        server.createContext("/error", ex -> respond(ex, 500, "database is on fire"));
        server.createContext("/garbled", ex -> respond(ex, 200, "{\"web\": {\"hosts\": [\"w1\""));
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, LISTING);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private Path config(String name, String path, String... extra) {
        String[] lines = Stream.concat(Stream.of("plugin: jplay.http", "url: " + url(path), "cache_dir: " + dir.resolve("cache")),
                Stream.of(extra)).toArray(String[]::new);
        return write(dir, name, lines);
    }

    @Test
    void readsAnsibleListJson() throws Exception {
        Inventory inv = load(config("cmdb.yml", "/inventory", "headers: {Authorization: Bearer s3cret}"));
        assertEquals(List.of("w1", "w2", "e1"), names(inv.select("web")));
        assertEquals("10.0.0.1", inv.hostVars("w1").get("ansible_host"));
        assertEquals(80, inv.hostVars("e1").get("http_port"));
        assertEquals("edge", inv.hostVars("e1").get("tier"));
        assertEquals("Bearer s3cret", authorization.get());

        JsonNode list = new ObjectMapper().readTree(new InventoryJson(inv).list());
        assertEquals("[\"w1\",\"w2\"]", list.path("web").path("hosts").toString());
        assertEquals("10.0.0.1", list.path("_meta").path("hostvars").path("w1").path("ansible_host").asText());
    }

    @Test
    void failuresNameTheFileTheUrlAndTheCause() {
        Path error = config("error.yml", "/error");
        InventoryException e = assertThrows(InventoryException.class, () -> load(error));
        assertTrue(e.getMessage().startsWith(error + ": jplay.http " + url("/error")), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 500: database is on fire"), e.getMessage());

        Path garbled = config("garbled.yml", "/garbled");
        e = assertThrows(InventoryException.class, () -> load(garbled));
        assertTrue(e.getMessage().startsWith(garbled + ": jplay.http " + url("/garbled")), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        Path slow = config("slow.yml", "/slow", "timeout: 300ms");
        long start = System.nanoTime();
        e = assertThrows(InventoryException.class, () -> load(slow));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().startsWith(slow + ": jplay.http " + url("/slow")), e.getMessage());
        assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
        assertTrue(millis < 2500, "gave up after " + millis + " ms, not after the 3 s the server takes");
    }

    @Test
    void freshCacheAnswersWithoutAskingTheServer() throws IOException {
        Path cmdb = config("cmdb.yml", "/inventory", "cache_ttl: 60s");
        assertEquals(List.of("w1", "w2", "e1"), names(load(cmdb).select("web")));
        assertEquals(List.of("w1", "w2", "e1"), names(load(cmdb).select("web")));
        assertEquals(1, requests.get(), "the second load is served from the cache");
        try (Stream<Path> entries = Files.list(dir.resolve("cache"))) {
            List<Path> files = entries.toList();
            assertEquals(1, files.size(), files.toString());
            assertTrue(files.get(0).getFileName().toString().matches("[0-9a-f]{64}\\.json"), files.toString());
        }

        Path uncached = config("uncached.yml", "/inventory");
        load(uncached);
        load(uncached);
        assertEquals(3, requests.get(), "without cache_ttl every load asks");
    }

    @Test
    void expiredCacheIsRefreshedAndKeptWhenTheServerFails() throws IOException {
        Path cmdb = config("cmdb.yml", "/inventory", "cache_ttl: 60s");
        load(cmdb);
        Path entry;
        try (Stream<Path> entries = Files.list(dir.resolve("cache"))) {
            entry = entries.findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(entry, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        load(cmdb);
        assertEquals(2, requests.get(), "an expired entry is refreshed");

        Files.setLastModifiedTime(entry, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        failing.set(true);
        Inventory inv = load(cmdb);
        assertEquals(3, requests.get());
        assertEquals(List.of("w1", "w2", "e1"), names(inv.select("web")));
        String warning = String.join("\n", inv.warnings());
        assertTrue(warning.contains("HTTP 503: down for maintenance") && warning.contains("using the cached result"), warning);

        Files.delete(entry);
        InventoryException e = assertThrows(InventoryException.class, () -> load(cmdb));
        assertTrue(e.getMessage().startsWith(cmdb + ": jplay.http " + url("/inventory") + ": HTTP 503"), e.getMessage());
    }
}
