package dev.jplay.inventory;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private InventoryJson json() {
        return new InventoryJson(load(write(dir, "hosts.yml",
                "all:",
                "  vars: {a: 1}",
                "  children:",
                "    web:",
                "      hosts: {w1: {port: 80}, w2: }",
                "      children: {edge: {hosts: {e1: }}}",
                "    empty:",
                "    db: {hosts: {w1: }, vars: {inventory_file: hidden}}")));
    }

    @Test
    void listHasDirectHostsChildrenAndMergedHostvars() throws Exception {
        JsonNode list = JSON.readTree(json().list());
        assertEquals(JSON.readTree("[\"ungrouped\", \"web\", \"empty\", \"db\"]"), list.path("all").path("children"));
        assertFalse(list.path("all").has("hosts"));
        assertEquals(JSON.readTree("{\"hosts\": [\"w1\", \"w2\"], \"children\": [\"edge\"]}"), list.path("web"));
        assertFalse(list.has("empty"), "empty groups are left out, as by ansible-inventory");
        assertFalse(list.has("ungrouped"));
        assertEquals(JSON.readTree("{\"a\": 1, \"port\": 80}"), list.path("_meta").path("hostvars").path("w1"));
        assertEquals(JSON.readTree("{\"a\": 1}"), list.path("_meta").path("hostvars").path("e1"));
    }

    @Test
    void exportKeepsGroupVarsApart() throws Exception {
        JsonNode list = JSON.readTree(json().list(true));
        assertEquals(JSON.readTree("{\"a\": 1}"), list.path("all").path("vars"));
        assertEquals(JSON.readTree("{\"port\": 80}"), list.path("_meta").path("hostvars").path("w1"));
        assertFalse(list.path("db").has("vars"), "internal variables are not shown");
    }

    @Test
    void graphAndHostText() {
        assertEquals(String.join("\n",
                "@all:",
                "  |--@ungrouped:",
                "  |--@web:",
                "  |  |--@edge:",
                "  |  |  |--e1",
                "  |  |--w1",
                "  |  |--w2",
                "  |--@empty:",
                "  |--@db:",
                "  |  |--w1"), json().graph());
        assertEquals("{\n    \"a\": 1,\n    \"port\": 80\n}", json().host("w1"));
        assertThrows(InventoryException.class, () -> json().host("nope"));
    }
}
