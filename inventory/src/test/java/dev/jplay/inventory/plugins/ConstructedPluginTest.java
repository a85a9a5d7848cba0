package dev.jplay.inventory.plugins;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.inventory.InventoryJson;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConstructedPluginTest {
    @TempDir Path dir;

    private Path hosts() {
        return write(dir, "hosts.yml",
                "all:",
                "  children:",
                "    web:",
                "      vars: {env: prod}",
                "      hosts:",
                "        web1: {region: eu, private_ip: 10.0.0.1, tags: [blue, edge]}",
                "        web2: {region: us, private_ip: 10.0.0.2, env: staging}",
                "    db:",
                "      hosts:",
                "        db1: {region: eu-west.1}");
    }

    private Path constructed(String name, String... extra) {
        return write(dir, name, Stream.concat(Stream.of("plugin: jplay.constructed"), Stream.of(extra)).toArray(String[]::new));
    }

    private Path rules() {
        return constructed("constructed.yml",
                "compose:",
                "  ansible_host: private_ip",
                "  fqdn: inventory_hostname ~ '.' ~ region ~ '.example.com'",
                "groups:",
                "  production: env is defined and env == 'prod'",
                "  frontends: \"'web' in group_names\"",
                "  blue: \"'blue' in tags\"",
                "keyed_groups:",
                "  - {key: region, prefix: region, parent_group: regions}",
                "  - {key: tags, prefix: tag}",
                "  - {key: rack, prefix: rack, default_value: none}");
    }

    @Test
    void groupsKeyedGroupsAndComposedVarsOverAYamlInventory() {
        Inventory inv = load(hosts(), rules());
        assertEquals(List.of("web1"), names(inv.select("production")), "web2 overrides env; db1 has none");
        assertEquals(List.of("web1", "web2"), names(inv.select("frontends")));
        assertEquals(List.of("web1"), names(inv.select("blue")), "undefined tags skip a host when not strict");
        assertEquals(List.of("web1"), names(inv.select("region_eu")));
        assertEquals(List.of("db1"), names(inv.select("region_eu_west_1")), "unsafe characters become _");
        assertEquals(List.of("web1", "web2", "db1"), names(inv.select("regions")));
        assertEquals(List.of("web1"), names(inv.select("tag_edge")));
        assertEquals(List.of("web1", "web2", "db1"), names(inv.select("rack_none")));
        assertEquals("10.0.0.2", inv.hostVars("web2").get("ansible_host"));
        assertEquals("web1.eu.example.com", inv.hostVars("web1").get("fqdn"));
        assertFalse(inv.hostVars("db1").containsKey("ansible_host"), "compose skips hosts without private_ip");
    }

    @Test
    void runsAfterTheOtherSourcesWhereverItIsListed() throws Exception {
        Inventory inv = load(rules(), hosts());
        assertEquals(List.of("web1"), names(inv.select("production")));

        JsonNode list = new ObjectMapper().readTree(new InventoryJson(inv).list());
        assertEquals("[\"web1\",\"web2\"]", list.path("frontends").path("hosts").toString());
        assertTrue(list.path("regions").path("children").toString().contains("region_us"), list.toString());
        assertEquals("10.0.0.1", list.path("_meta").path("hostvars").path("web1").path("ansible_host").asText());
    }

    @Test
    void groupVarsOfConstructedGroupsApply() {
        write(dir, "group_vars/production.yml", "tier: gold");
        Inventory inv = load(hosts(), rules());
        assertEquals("gold", inv.hostVars("web1").get("tier"));
        assertFalse(inv.hostVars("web2").containsKey("tier"));
    }

    @Test
    void strictModeAndBadExpressionsNameFileHostAndExpression() {
        Path strict = constructed("strict.yml", "strict: true", "groups: {blue: \"'blue' in tags\"}");
        InventoryException e = assertThrows(InventoryException.class, () -> load(hosts(), strict));
        assertTrue(e.getMessage().startsWith(strict + ": jplay.constructed: groups.blue"), e.getMessage());
        assertTrue(e.getMessage().contains("for host web2") && e.getMessage().contains("'tags' is undefined"), e.getMessage());

        Path syntax = constructed("syntax.yml", "groups: {x: \"region ==\"}");
        e = assertThrows(InventoryException.class, () -> load(hosts(), syntax));
        assertTrue(e.getMessage().startsWith(syntax + ": jplay.constructed: groups.x: invalid expression"), e.getMessage());
    }
}
