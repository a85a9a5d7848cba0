package dev.jplay.inventory;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IniInventoryTest {
    @TempDir Path dir;

    @Test
    void groupsChildrenVarsAndHostLineVars() {
        Path file = write(dir, "hosts.ini",
                "solo ansible_host=10.9.9.9",
                "[web]",
                "web[1:2].example.com:2222 user=admin tags=\"['a', 'b']\" # comment",
                "[db]",
                "db1 x=\"two words\" n=5 flag=True raw=yes",
                "[prod:children]",
                "web",
                "db",
                "[prod:vars]",
                "env = prod",
                "mode=0755",
                "limits={'cpu': 2}");
        Inventory inv = load(file);

        assertEquals(List.of("solo", "web1.example.com", "web2.example.com", "db1"), names(inv.hosts()));
        assertEquals(List.of("web", "db"), inv.groups().get("prod").children());
        assertEquals(List.of("ungrouped", "prod"), inv.groups().get("all").children());
        assertEquals(List.of("solo"), inv.groups().get("ungrouped").hosts());
        assertEquals(Map.of("ansible_port", 2222, "user", "admin", "tags", List.of("a", "b")),
                inv.host("web1.example.com").orElseThrow().vars());
        Map<String, Object> db = inv.host("db1").orElseThrow().vars();
        assertEquals("two words", db.get("x"));
        assertEquals(5, db.get("n"));
        assertEquals(true, db.get("flag"));
        assertEquals("yes", db.get("raw"));
        Map<String, Object> prod = inv.groups().get("prod").vars();
        assertEquals("prod", prod.get("env"));
        assertEquals("0755", prod.get("mode"));
        assertEquals(Map.of("cpu", 2), prod.get("limits"));
        assertEquals(List.of("db", "prod"), inv.host("db1").orElseThrow().groupNames());
    }

    @Test
    void childrenMayBeDeclaredBeforeTheirGroups() {
        Path file = write(dir, "hosts",
                "[top:children]",
                "mid",
                "[mid:children]",
                "leaf",
                "[leaf]",
                "h1",
                "[mid:vars]",
                "v=1");
        Inventory inv = load(file);
        assertEquals(List.of("mid"), inv.groups().get("top").children());
        assertEquals(List.of("leaf"), inv.groups().get("mid").children());
        assertEquals(3, inv.groups().get("leaf").depth()); // all → top → mid → leaf
        assertEquals(1, inv.hostVars("h1").get("v"));
    }

    @Test
    void hostAddedToAGroupLeavesUngrouped() {
        Path file = write(dir, "hosts.ini", "h1", "h2", "[g]", "h1");
        Inventory inv = load(file);
        assertEquals(List.of("h2"), inv.groups().get("ungrouped").hosts());
        assertEquals(List.of("h1"), inv.groups().get("g").hosts());
    }

    @Test
    void portIsTakenWhereTheHostIsFirstDefined() {
        Path file = write(dir, "hosts.ini", "[a]", "h:2201", "[b]", "h:2202");
        assertEquals(2201, load(file).host("h").orElseThrow().vars().get("ansible_port"));
    }

    @Test
    void errorsNameFileLineAndColumn() {
        assertError("bad1.ini", List.of("[g]", "h1", "  h2 novalue"), ":3:6: Expected key=value host variable assignment, got: novalue");
        assertError("bad2.ini", List.of("[g:vars]", "x=1"), ":1:1: Section [g:vars] not valid for undefined group: g");
        assertError("bad3.ini", List.of("[p:children]", "ghost"), ":2:1: Section [p:children] includes undefined group: ghost");
        assertError("bad4.ini", List.of("[g:hostz]"), ":1:1: Section [g:hostz] has unknown type: hostz");
        assertError("bad5.ini", List.of("[g]", "[bad name]"), ":2:1: Invalid section entry: '[bad name]'");
        assertError("bad6.ini", List.of("[g]", "h 'x=1"), ":2:1: Error parsing host definition 'h 'x=1': No closing quotation");
        assertError("bad7.ini", List.of("[g]", "web[3:1]"), ":2:1: invalid host range 'web[3:1]'");
        assertError("bad8.ini", List.of("[g:vars]", "[g]", "[g:vars]", "novalue"), ":4:1: Expected key=value, got: novalue");
        assertError("bad9.ini", List.of("[a:children]", "b", "[b:children]", "a", "[b]"), "creates a recursive dependency loop");
        assertError("bad10.ini", List.of("host:"), ":1:1: Invalid host pattern 'host:' supplied, ending in ':' is not allowed");
    }

    @Test
    void groupPriorityIsNotAVariable() {
        Path file = write(dir, "hosts.ini", "[g]", "h", "[g:vars]", "ansible_group_priority=7", "x=1");
        Inventory inv = load(file);
        assertEquals(7, inv.groups().get("g").priority());
        assertNull(inv.hostVars("h").get("ansible_group_priority"));
    }

    private void assertError(String name, List<String> lines, String expected) {
        Path file = write(dir, name, lines.toArray(String[]::new));
        InventoryException e = assertThrows(InventoryException.class, () -> load(file));
        assertEquals(true, e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
    }
}
