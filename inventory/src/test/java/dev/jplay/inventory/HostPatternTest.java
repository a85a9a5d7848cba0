package dev.jplay.inventory;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected orders follow Ansible 2.14 (checked against `ansible PATTERN --list-hosts` in AnsibleFidelityTest). */
class HostPatternTest {
    @TempDir Path dir;
    private Inventory inv;

    @BeforeEach
    void inventory() {
        inv = load(write(dir, "hosts.ini",
                "loner",
                "[web]",
                "web[1:4].example.com",
                "[db]",
                "db-[a:c]",
                "web2.example.com",
                "[prod:children]",
                "web",
                "db",
                "[staging]",
                "web4.example.com",
                "stage1"));
    }

    private List<String> select(String pattern) {
        return names(inv.select(pattern));
    }

    @Test
    void allFollowsTheGroupTreeLevelByLevel() {
        // all's own children first (ungrouped, prod, staging), then prod's children (web, db)
        assertEquals(List.of("loner", "web4.example.com", "stage1", "web1.example.com", "web2.example.com",
                "web3.example.com", "db-a", "db-b", "db-c"), select("all"));
        assertEquals(select("all"), select("*"));
    }

    @Test
    void unionIntersectionExclusion() {
        assertEquals(List.of("db-a", "db-b", "db-c", "web2.example.com", "web4.example.com", "stage1"), select("db:staging"));
        assertEquals(select("db:staging"), select("db,staging"));
        assertEquals(List.of("web4.example.com"), select("web:&staging"));
        assertEquals(List.of("web1.example.com", "web3.example.com"), select("web:!db:!staging"));
        // exclusions apply after all unions, wherever written
        assertEquals(List.of("web1.example.com", "web3.example.com", "web4.example.com"), select("!db:web"));
        assertEquals(List.of("loner", "web4.example.com", "stage1", "web1.example.com", "web3.example.com"), select("!db"));
    }

    @Test
    void wildcardsAndRegex() {
        assertEquals(List.of("web1.example.com", "web2.example.com", "web3.example.com", "web4.example.com"), select("web*"));
        assertEquals(List.of("db-a", "db-b"), select("db-[ab]"));
        assertEquals(List.of("db-b", "db-c"), select("~db-[bc]"));
        assertEquals(List.of("web1.example.com"), select("~web1")); // regex anchored at the start only
    }

    @Test
    void slices() {
        assertEquals(List.of("web1.example.com"), select("web[0]"));
        assertEquals(List.of("web4.example.com"), select("web[-1]"));
        assertEquals(List.of("web2.example.com", "web3.example.com", "web4.example.com"), select("web[1:3]"));
        assertEquals(List.of("web3.example.com", "web4.example.com"), select("web[2:]"));
        assertEquals(List.of(), select("web[9:12]"));
        InventoryException e = assertThrows(InventoryException.class, () -> select("web[9]"));
        assertTrue(e.getMessage().contains("No hosts matched the subscripted pattern 'web[9]'"), e.getMessage());
    }

    @Test
    void unknownNamesYieldNothingAndAWarning() {
        HostPattern.Selection selection = HostPattern.select(inv, "nosuch:db-a");
        assertEquals(List.of("db-a"), names(selection.hosts()));
        assertEquals(List.of("Could not match supplied host pattern, ignoring: nosuch"), selection.warnings());
        assertEquals(List.of(), HostPattern.select(inv, "all").warnings());
    }

    @Test
    void splittingKeepsRangesAndIpv6Whole() {
        assertEquals(List.of("a", "&b", "!c"), HostPattern.split("a:&b:!c"));
        assertEquals(List.of("web[1:3]"), HostPattern.split("web[1:3]"));
        assertEquals(List.of("fe80::1"), HostPattern.split("fe80::1"));
        assertEquals(List.of("a", "b[0:1]"), HostPattern.split(" a , b[0:1] "));
    }

    @Test
    void invalidRegexIsReported() { // Ansible's CLI quietly selects nothing here; jplay says why
        InventoryException e = assertThrows(InventoryException.class, () -> select("~web("));
        assertTrue(e.getMessage().startsWith("Invalid host list pattern: ~web("), e.getMessage());
    }
}
