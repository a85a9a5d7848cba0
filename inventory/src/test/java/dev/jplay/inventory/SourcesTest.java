package dev.jplay.inventory;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.names;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
    @TempDir Path dir;

    @Test
    void inlineListsLikeAnsibleDashI() {
        Inventory inv = Inventory.load(List.of("host1,host2:2222, [fe80::1]:2200,", "localhost,"));
        assertEquals(List.of("host1", "host2", "fe80::1", "localhost"), names(inv.hosts()));
        assertEquals(List.of("host1", "host2", "fe80::1", "localhost"), inv.groups().get("ungrouped").hosts());
        assertEquals(2222, inv.hostVars("host2").get("ansible_port"));
        assertEquals(2200, inv.hostVars("fe80::1").get("ansible_port"));
        // Inline lists do not expand ranges (Ansible's host_list plugin neither).
        assertEquals(List.of("web[1:3]"), names(Inventory.load(List.of("web[1:3],")).hosts()));
    }

    @Test
    void missingSourceFails() {
        InventoryException e = assertThrows(InventoryException.class, () -> Inventory.load(List.of(dir.resolve("nope.yml").toString())));
        assertTrue(e.getMessage().contains("nope.yml: inventory source not found"), e.getMessage());
    }

    @Test
    void severalSourcesMergeGroupsHostsAndVars() {
        Path first = write(dir, "a/one.ini", "[web]", "w1 color=red", "[web:vars]", "tier=1");
        Path second = write(dir, "b/two.yml", "web:", "  hosts: {w1: {color: blue}, w2: }", "  vars: {tier: 2}", "db: {hosts: {d1: }}");
        Inventory inv = load(first, second);
        assertEquals(List.of("w1", "w2"), inv.groups().get("web").hosts());
        assertEquals("blue", inv.hostVars("w1").get("color"));
        assertEquals(2, inv.hostVars("w2").get("tier"));
        assertEquals(List.of("ungrouped", "web", "db"), inv.groups().get("all").children());
    }

    @Test
    void directoryReadsItsFilesInNameOrderAndSkipsWhatAnsibleSkips() {
        write(dir, "inv/b.yml", "g: {hosts: {from_b: }}");
        write(dir, "inv/a.yaml", "g: {hosts: {from_a: }}");
        write(dir, "inv/sub/c", "[g]", "from_sub");
        write(dir, "inv/skipped.ini", "[g]", "from_ini");
        write(dir, "inv/README.md", "# not inventory");
        write(dir, "inv/.hidden.yml", "g: {hosts: {hidden: }}");
        write(dir, "inv/group_vars/g.yml", "gv: 1");
        Inventory inv = load(dir.resolve("inv"));
        assertEquals(List.of("from_a", "from_b", "from_sub"), inv.groups().get("g").hosts());
        assertEquals(1, inv.hostVars("from_sub").get("gv"));
    }

    @Test
    void scriptWithMetaHostvars() throws IOException {
        Path script = script("meta.sh",
                "#!/bin/sh",
                "if [ \"$1\" = --list ]; then",
                "cat <<'JSON'",
                "{\"web\": {\"hosts\": [\"w1\", \"w2\"], \"vars\": {\"port\": 80}, \"children\": [\"edge\"]},",
                " \"edge\": [\"e1\"],",
                " \"_meta\": {\"hostvars\": {\"w1\": {\"ansible_host\": \"10.0.0.1\"}}}}",
                "JSON",
                "else echo \"--host must not be called\" >&2; exit 3; fi");
        Inventory inv = load(script);
        assertEquals(List.of("w1", "w2", "e1"), names(inv.hosts()));
        assertEquals(List.of("edge"), inv.groups().get("web").children());
        assertEquals("10.0.0.1", inv.hostVars("w1").get("ansible_host"));
        assertEquals(80, inv.hostVars("e1").get("port"));
    }

    @Test
    void scriptWithoutMetaIsAskedPerHost() throws IOException {
        Path script = script("nometa.sh",
                "#!/bin/sh",
                "if [ \"$1\" = --list ]; then echo '{\"g\": {\"hosts\": [\"a\", \"b\"]}}';",
                "else echo \"{\\\"asked\\\": \\\"$2\\\"}\"; fi");
        Inventory inv = load(script);
        assertEquals(Map.of("asked", "a"), inv.hostVars("a"));
        assertEquals(Map.of("asked", "b"), inv.hostVars("b"));
    }

    @Test
    void failingOrGarbledScriptsAreReported() throws IOException {
        Path failing = script("fail.sh", "#!/bin/sh", "echo boom >&2", "exit 2");
        InventoryException e = assertThrows(InventoryException.class, () -> load(failing));
        assertTrue(e.getMessage().contains("fail.sh --list had an execution error (exit 2): boom"), e.getMessage());
        Path garbled = script("garbled.sh", "#!/bin/sh", "echo '{not json'");
        e = assertThrows(InventoryException.class, () -> load(garbled));
        assertTrue(e.getMessage().contains("failed to parse executable inventory script results from") && e.getMessage().contains("garbled.sh"), e.getMessage());
    }

    @Test
    void pluginSelectedByPluginKey() {
        Path config = write(dir, "cloud.yml", "plugin: jplay.test.static", "hosts: [p1, p2]", "group: cloud");
        Inventory inv = load(config);
        assertEquals(List.of("p1", "p2"), inv.groups().get("cloud").hosts());
        assertEquals(config.toString(), inv.hostVars("p1").get("from_config"));

        Path unknown = write(dir, "other.yml", "plugin: nope");
        InventoryException e = assertThrows(InventoryException.class, () -> load(unknown));
        assertTrue(e.getMessage().contains("other.yml:1:9: unknown inventory plugin 'nope' (available: "), e.getMessage());
        for (String known : List.of("jplay.test.static", "jplay.range", "jplay.http", "jplay.constructed")) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
    }

    private Path script(String name, String... lines) throws IOException {
        Path file = write(dir, name, lines);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
