package dev.jplay.inventory;

import static dev.jplay.inventory.TestFiles.load;
import static dev.jplay.inventory.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VarsPrecedenceTest {
    @TempDir Path dir;

    @Test
    void allThenParentsThenChildrenThenHost() {
        Path file = write(dir, "hosts.ini",
                "[leaf]",
                "h1",
                "h2 v=host",
                "[mid:children]",
                "leaf",
                "[top:children]",
                "mid",
                "[all:vars]",
                "v=all",
                "a=all",
                "[top:vars]",
                "v=top",
                "t=top",
                "[mid:vars]",
                "v=mid",
                "[leaf:vars]",
                "v=leaf");
        Inventory inv = load(file);
        assertEquals("leaf", inv.hostVars("h1").get("v"));
        assertEquals("top", inv.hostVars("h1").get("t"));
        assertEquals("all", inv.hostVars("h1").get("a"));
        assertEquals("host", inv.hostVars("h2").get("v"));
    }

    @Test
    void sameDepthOrderedByPriorityThenName() {
        Path file = write(dir, "hosts.yml",
                "alpha: {hosts: {h: }, vars: {v: alpha, p: alpha}}",
                "beta: {hosts: {h: }, vars: {v: beta, p: beta, ansible_group_priority: 0}}",
                "gamma: {hosts: {h: }, vars: {v: gamma}}");
        Inventory inv = load(file);
        // beta has the lowest priority so it is merged first; alpha < gamma by name.
        assertEquals("gamma", inv.hostVars("h").get("v"));
        assertEquals("alpha", inv.hostVars("h").get("p"));
    }

    @Test
    void groupVarsFilesOverrideInventoryVarsOfAnyGroup() {
        Path file = write(dir, "inv/hosts.yml",
                "all: {vars: {x: inv_all, y: inv_all}}",
                "web: {hosts: {w1: {h: inv_host}, w2: }, vars: {x: inv_web, z: inv_web}}");
        write(dir, "inv/group_vars/all.yml", "x: file_all");
        write(dir, "inv/group_vars/web/10.yml", "z: file_web_10");
        write(dir, "inv/group_vars/web/20.json", "{\"z\": \"file_web_20\"}");
        write(dir, "inv/group_vars/web/backup.yml~", "z: ignored");
        write(dir, "inv/host_vars/w1.yaml", "h: file_host");
        write(dir, "inv/group_vars/unknown_group.yml", "ignored: 1");
        Inventory inv = load(file);
        // Ansible: group_vars/all beats even a child group's inventory vars.
        assertEquals("file_all", inv.hostVars("w1").get("x"));
        assertEquals("inv_all", inv.hostVars("w1").get("y"));
        assertEquals("file_web_20", inv.hostVars("w1").get("z"));
        assertEquals("file_host", inv.hostVars("w1").get("h"));
        assertEquals(null, inv.hostVars("w2").get("h"));
        assertEquals(false, inv.hostVars("w2").containsKey("ignored"));
    }

    @Test
    void badGroupVarsFileIsReportedWithPosition() {
        Path file = write(dir, "inv/hosts.yml", "web: {hosts: {w1: }}");
        Path vars = write(dir, "inv/group_vars/web.yml", "a: 1", "a: 2");
        InventoryException e = assertThrows(InventoryException.class, () -> load(file));
        assertTrue(e.getMessage().startsWith(vars + ":2:1:") && e.getMessage().contains("duplicate key a"), e.getMessage());
        write(dir, "inv/group_vars/web.yml", "- a list");
        e = assertThrows(InventoryException.class, () -> load(file));
        assertTrue(e.getMessage().contains("web.yml: variables file must contain a mapping"), e.getMessage());
    }

    @Test
    void implicitLocalhostGetsAllVarsAndLocalConnection() {
        Path file = write(dir, "hosts.yml", "all: {vars: {a: 1}, hosts: {h: }}");
        Inventory inv = load(file);
        assertEquals(1, inv.hostVars("localhost").get("a"));
        assertEquals("local", inv.hostVars("localhost").get("ansible_connection"));
        assertThrows(InventoryException.class, () -> inv.hostVars("nosuchhost"));
        assertEquals(List.of("localhost"), TestFiles.names(inv.select("localhost")));
        assertTrue(inv.select("localhost").get(0).implicit());
    }

    @Test
    void playbookDirectoryVarsSitAboveTheInventorysAtEachLevel() {
        Path file = write(dir, "inv/hosts.yml",
                "web: {hosts: {w1: , w2: {h: inv_host}}}");
        write(dir, "inv/group_vars/all.yml", "a: inv_all", "b: inv_all", "c: inv_all");
        write(dir, "inv/group_vars/web.yml", "b: inv_web", "d: inv_web");
        write(dir, "inv/host_vars/w1.yml", "e: inv_w1");
        write(dir, "play/group_vars/all.yml", "a: play_all", "b: play_all", "d: play_all");
        write(dir, "play/group_vars/web.yml", "c: play_web");
        write(dir, "play/host_vars/w1.yml", "e: play_w1", "h: play_w1");
        Inventory inv = load(file).withPlaybookDirectory(dir.resolve("play"));
        var w1 = inv.hostVars("w1");
        assertEquals("play_all", w1.get("a"), "playbook group_vars/all over the inventory's");
        assertEquals("inv_web", w1.get("b"), "inventory group_vars/web over playbook group_vars/all");
        assertEquals("play_web", w1.get("c"));
        assertEquals("inv_web", w1.get("d"));
        assertEquals("play_w1", w1.get("e"), "playbook host_vars over the inventory's");
        assertEquals("inv_host", inv.hostVars("w2").get("h"));
        assertEquals("inv_all", load(file).withPlaybookDirectory(dir.resolve("inv")).hostVars("w2").get("a"));
    }
}
