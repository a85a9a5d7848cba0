package dev.jplay.inventory.plugins;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.inventory.InventoryJson;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RangePluginTest {
    @TempDir Path dir;

    private Path fleet() {
        return write(dir, "fleet.yml",
                "plugin: jplay.range",
                "vars: {ntp: time.example.com}",
                "groups:",
                "  web:",
                "    hosts: ['web[01:20].example.com', '10.1.0.0/28']",
                "    vars: {http_port: 8080}",
                "    children: [canary]",
                "  canary:",
                "    hosts: ['web01.example.com']",
                "    vars: {http_port: 9090}");
    }

    @Test
    void expandsRangesAndCidrBlocksIntoGroups() {
        Inventory inv = load(fleet());
        List<String> web = names(inv.select("web"));
        assertEquals(20 + 14, web.size(), "20 names plus the 14 usable addresses of a /28");
        assertEquals("web01.example.com", web.get(0));
        assertEquals("web20.example.com", web.get(19));
        assertEquals("10.1.0.1", web.get(20));
        assertEquals("10.1.0.14", web.get(33));
        assertEquals(8080, inv.hostVars("10.1.0.5").get("http_port"));
        assertEquals("time.example.com", inv.hostVars("10.1.0.5").get("ntp"));
        assertEquals(9090, inv.hostVars("web01.example.com").get("http_port"), "the child group's vars win");
        assertEquals(4, inv.hostVars("10.1.0.5").get("range_index"));
        assertEquals(List.of("canary", "web"), inv.host("web01.example.com").orElseThrow().groupNames());
    }

    @Test
    void listJsonShowsTheExpandedHosts() throws Exception {
        JsonNode list = new ObjectMapper().readTree(new InventoryJson(load(fleet())).list());
        assertEquals(34, list.path("web").path("hosts").size());
        assertEquals("canary", list.path("web").path("children").get(0).asText());
        assertEquals(9090, list.path("_meta").path("hostvars").path("web01.example.com").path("http_port").asInt());
        assertEquals(8080, list.path("_meta").path("hostvars").path("10.1.0.14").path("http_port").asInt());
    }

    @Test
    void badPatternsAndKeysNameTheFile() {
        Path bad = write(dir, "bad.yml", "plugin: jplay.range", "groups: {web: {hosts: ['web[3:1]']}}");
        InventoryException e = assertThrows(InventoryException.class, () -> load(bad));
        assertTrue(e.getMessage().startsWith(bad + ": jplay.range: ") && e.getMessage().contains("web[3:1]"), e.getMessage());

        Path typo = write(dir, "typo.yml", "plugin: jplay.range", "group: {web: {hosts: [a]}}");
        e = assertThrows(InventoryException.class, () -> load(typo));
        assertTrue(e.getMessage().contains(typo + ": jplay.range: unknown keys [group]"), e.getMessage());
    }
}
