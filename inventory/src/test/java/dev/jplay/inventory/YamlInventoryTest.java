package dev.jplay.inventory;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlInventoryTest {
    @TempDir Path dir;

    @Test
    void groupsHostsChildrenAndYaml11Values() {
        Path file = write(dir, "hosts.yml",
                "all:",
                "  vars: {ntp: time.example.com}",
                "  children:",
                "    web:",
                "      hosts:",
                "        web[01:02].example.com:2222:",
                "        admin: {ansible_user: root, enabled: yes, mode: 0755}",
                "    db:",
                "      hosts: db1",
                "      children: {replicas: {hosts: {10.0.0.0/30: }}}");
        Inventory inv = load(file);
        assertEquals(List.of("web01.example.com", "web02.example.com", "admin", "db1", "10.0.0.1", "10.0.0.2"), names(inv.hosts()));
        assertEquals(2222, inv.host("web02.example.com").orElseThrow().vars().get("ansible_port"));
        assertEquals(Map.of("ansible_user", "root", "enabled", true, "mode", 493), inv.host("admin").orElseThrow().vars());
        assertEquals(List.of("replicas"), inv.groups().get("db").children());
        assertEquals(List.of("db", "replicas"), inv.host("10.0.0.2").orElseThrow().groupNames());
        assertEquals("time.example.com", inv.hostVars("10.0.0.1").get("ntp"));
    }

    @Test
    void ansibleWarningsAreKept() {
        Path file = write(dir, "hosts.yaml", "g:", "  hosts: {h: }", "  colour: blue", "broken: [a, b]");
        Inventory inv = load(file);
        assertEquals(2, inv.warnings().size(), inv.warnings().toString());
        assertTrue(inv.warnings().get(0).contains("hosts.yaml:3:3: Skipping unexpected key (colour) in group (g)"), inv.warnings().get(0));
        assertTrue(inv.warnings().get(1).contains("hosts.yaml:4:9: Skipping 'broken'"), inv.warnings().get(1));
    }

    @Test
    void errorsNameFileLineAndColumn() {
        assertError("syntax.yml", List.of("all:", "  hosts:", "    h1: {a: 1", "  vars: x"), ":4:");
        assertError("dup.yml", List.of("all:", "  hosts:", "    h1:", "    h1:"), ":4:5: found duplicate key h1");
        assertError("dupvar.yml", List.of("all:", "  hosts:", "    h1: {a: 1, a: 2}"), "duplicate key a");
        assertError("list.yml", List.of("- a", "- b"), ":1:1: YAML inventory has invalid structure, it should be a dictionary, got: list");
        assertError("hostslist.yml", List.of("g:", "  hosts:", "    - h1"), ":3:5: Invalid \"hosts\" entry for \"g\" group, requires a dictionary, found \"list\"");
        assertError("intkey.yml", List.of("g:", "  hosts:", "    12:"), ":3:5: Host pattern 12 must be a string");
        assertError("hostvars.yml", List.of("g:", "  hosts:", "    h1: [1]"), ":3:9: Invalid data from file, expected dictionary");
        assertError("range.yml", List.of("g:", "  hosts:", "    'w[9:1]':"), ":3:5: invalid host range 'w[9:1]'");
        assertError("tag.yml", List.of("g:", "  vars: {x: !!python/object:os.system ls}"), ":2:13: Global tag is not allowed");
        assertError("empty.yml", List.of("# nothing"), "Parsed empty YAML file");
        assertError("loop.yml", List.of("a:", "  children:", "    b:", "      children:", "        a:"), "recursive dependency loop");
    }

    @Test
    void onlyStandardTagsAsInPlaybooks() {
        assertError("binary.yml", List.of("g:", "  hosts:", "    h1: {key: !!binary aGVsbG8=}"), ":3:15: unsupported tag tag:yaml.org,2002:binary");
        assertError("recursive.yml", List.of("g:", "  vars:", "    a: &x {b: *x}"), ":3:5: recursive alias");
    }

    @Test
    void tooManyAliasesAreRejected() {
        Path file = write(dir, "bomb.yml", "g:", "  vars:", bomb(10, 9).indent(4));
        InventoryException e = assertThrows(InventoryException.class, () -> load(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("aliases"), e.getMessage());
    }

    @Test
    void fewAliasesExpandingHugelyAreRejected() {
        // 24 levels of two aliases each: 48 aliases (under the limit) expanding to 2^24 values.
        Path file = write(dir, "deep.yml", "g:", "  vars:", bomb(24, 2).indent(4));
        InventoryException e = assertThrows(InventoryException.class, () -> load(file));
        assertTrue(e.getMessage().startsWith(file + ":3:5:") && e.getMessage().contains("through aliases"), e.getMessage());
    }

    /** A "billion laughs" document: each level a list of {@code width} aliases of the previous one. */
    private static String bomb(int levels, int width) {
        StringBuilder yaml = new StringBuilder("l0: &l0 [x, x]\n");
        for (int level = 1; level <= levels; level++) {
            yaml.append('l').append(level).append(": &l").append(level).append(" [");
            for (int i = 0; i < width; i++) yaml.append(i == 0 ? "" : ", ").append("*l").append(level - 1);
            yaml.append("]\n");
        }
        return yaml.toString();
    }

    @Test
    void fileWithoutExtensionIsYamlWhenItIsAMapping() {
        Path yaml = write(dir, "inv1", "g: {hosts: {h1: {x: 1}}}");
        Path ini = write(dir, "inv2", "[g]", "h2 x=1");
        Inventory inv = load(yaml, ini);
        assertEquals(List.of("h1", "h2"), inv.groups().get("g").hosts());
    }

    private void assertError(String name, List<String> lines, String expected) {
        Path file = write(dir, name, lines.toArray(String[]::new));
        InventoryException e = assertThrows(InventoryException.class, () -> load(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
    }
}
