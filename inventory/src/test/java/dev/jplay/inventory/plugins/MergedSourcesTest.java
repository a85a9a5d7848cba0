package dev.jplay.inventory.plugins;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins mixed with each other and with plain files, as repeated {@code -i} and as one directory. */
class MergedSourcesTest {
    @TempDir Path dir;
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/inventory", ex -> {
            byte[] body = HttpPluginTest.LISTING.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void sources(Path where) {
        write(where, "a-constructed.yml", "plugin: jplay.constructed",
                "groups: {big: \"'web' in group_names or 'app' in group_names\"}",
                "keyed_groups: [{key: tier, prefix: tier}]");
        write(where, "cmdb.yml", "plugin: jplay.http", "url: http://127.0.0.1:" + server.getAddress().getPort() + "/inventory");
        write(where, "fleet.yml", "plugin: jplay.range", "groups: {app: {hosts: ['app[1:3]'], vars: {tier: backend}}}");
        write(where, "static", "[web]", "w3 http_port=8081");
    }

    private static void assertMerged(Inventory inv) throws IOException {
        assertEquals(List.of("w1", "w2", "w3", "e1"), names(inv.select("web")));
        assertEquals(List.of("w1", "w2", "e1", "app1", "app2", "app3", "w3"), names(inv.select("big")), "hosts in the order sources defined them");
        assertEquals(List.of("app1", "app2", "app3"), names(inv.select("tier_backend")));
        assertEquals(List.of("e1"), names(inv.select("tier_edge")));
        assertEquals(8081, inv.hostVars("w3").get("http_port"));
        assertEquals(80, inv.hostVars("w1").get("http_port"));
        JsonNode list = new ObjectMapper().readTree(new InventoryJson(inv).list());
        assertEquals("[\"app1\",\"app2\",\"app3\"]", list.path("tier_backend").path("hosts").toString());
        assertEquals("backend", list.path("_meta").path("hostvars").path("app2").path("tier").asText());
    }

    @Test
    void repeatedInventoryArguments() throws IOException {
        sources(dir);
        assertMerged(load(dir.resolve("a-constructed.yml"), dir.resolve("cmdb.yml"), dir.resolve("fleet.yml"), dir.resolve("static")));
    }

    @Test
    void oneDirectoryOfSources() throws IOException {
        Path inventory = dir.resolve("inventory");
        sources(inventory);
        write(inventory, "group_vars/tier_backend.yml", "replicas: 3");
        Inventory inv = load(inventory);
        assertMerged(inv);
        assertEquals(3, inv.hostVars("app1").get("replicas"), "group_vars apply to constructed groups");
    }
}
