package dev.jplay.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionVarsTest {
    @Test
    void defaultsToSshOnPort22AtTheInventoryName() {
        assertEquals(new HostConnectionInfo("web1", "web1", 22, null, null, "ssh"), ConnectionVars.resolve("web1", Map.of()));
    }

    @Test
    void ansibleNamesAreRead() {
        HostConnectionInfo info = ConnectionVars.resolve("web1", Map.of("ansible_host", "10.0.0.5", "ansible_port", "2222",
                "ansible_user", "deploy", "ansible_ssh_private_key_file", "~/.ssh/id", "ansible_connection", "smart"));
        assertEquals(new HostConnectionInfo("web1", "10.0.0.5", 2222, "deploy", "~/.ssh/id", "ssh"), info);
    }

    @Test
    void jplayNamesWin() {
        HostConnectionInfo info = ConnectionVars.resolve("web1", Map.of(
                "ansible_host", "10.0.0.5", "jplay_host", "10.0.0.6",
                "ansible_port", 2222, "jplay_port", 2200,
                "ansible_user", "a", "jplay_user", "j",
                "ansible_private_key_file", "/a", "jplay_private_key_file", "/j",
                "ansible_connection", "ssh", "jplay_connection", "local"));
        assertEquals(new HostConnectionInfo("web1", "10.0.0.6", 2200, "j", "/j", "local"), info);
    }

    @Test
    void localhostIsLocalUnlessToldOtherwise() {
        assertEquals("local", ConnectionVars.resolve("localhost", Map.of()).connection());
        assertEquals("local", ConnectionVars.resolve("127.0.0.1", Map.of()).connection());
        assertEquals("ssh", ConnectionVars.resolve("localhost", Map.of("ansible_connection", "ssh")).connection());
    }

    @Test
    void badValuesNameTheHost() {
        InventoryException e = assertThrows(InventoryException.class, () -> ConnectionVars.resolve("h", Map.of("ansible_port", "ssh")));
        assertTrue(e.getMessage().contains("host h: port must be an integer from 1 to 65535, got: ssh"), e.getMessage());
        e = assertThrows(InventoryException.class, () -> ConnectionVars.resolve("h", Map.of("ansible_connection", "docker")));
        assertTrue(e.getMessage().contains("host h: unsupported connection 'docker'"), e.getMessage());
        assertThrows(InventoryException.class, () -> ConnectionVars.resolve("h", Map.of("ansible_port", 70000)));
    }

    @Test
    void resolvesFromMergedInventoryVars() {
        Inventory inv = Inventory.load(java.util.List.of("a:2201,localhost,"));
        assertEquals(2201, ConnectionVars.of(inv, "a").port());
        assertEquals("local", ConnectionVars.of(inv, "localhost").connection());
    }
}
