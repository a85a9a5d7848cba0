package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.inventory.InventoryException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostTargetsTest {
    @Test
    void jplayJavaNamesTheJavaOnTheHost() {
        assertEquals("/opt/jdk-21/bin/java", HostTargets.of("web-1", Map.of("jplay_java", " /opt/jdk-21/bin/java ")).java());
        assertNull(HostTargets.of("web-1", Map.of()).java(), "none given: Java on the PATH, else a pushed runtime");
        assertNull(HostTargets.of("web-1", Map.of("jplay_java", "")).java());
    }

    @Test
    void aJplayJavaThatIsNoPathIsAnInventoryError() {
        InventoryException e = assertThrows(InventoryException.class,
                () -> HostTargets.of("web-1", Map.of("jplay_java", List.of("/usr/bin/java"))));
        assertTrue(e.getMessage().contains("web-1") && e.getMessage().contains("jplay_java"), e.getMessage());
    }

    @Test
    void jplayKnownHostsWinsOverTheSshArgsUserKnownHostsFile() {
        assertEquals("/inv/known_hosts", HostTargets.of("web-1", Map.of("jplay_known_hosts", " /inv/known_hosts "))
                .sshArgs().get("UserKnownHostsFile"));
        assertEquals("/inv/known_hosts", HostTargets.of("web-1", Map.of("jplay_known_hosts", "/inv/known_hosts",
                "ansible_ssh_common_args", "-o UserKnownHostsFile=/args/known -J gw")).sshArgs().get("userknownhostsfile"));
        assertEquals("/args/known", HostTargets.of("web-1", Map.of("ansible_ssh_common_args",
                "-o UserKnownHostsFile=/args/known")).sshArgs().get("userknownhostsfile"));
        InventoryException e = assertThrows(InventoryException.class,
                () -> HostTargets.of("web-1", Map.of("jplay_known_hosts", List.of("/a", "/b"))));
        assertTrue(e.getMessage().contains("web-1") && e.getMessage().contains("jplay_known_hosts"), e.getMessage());
    }
}
