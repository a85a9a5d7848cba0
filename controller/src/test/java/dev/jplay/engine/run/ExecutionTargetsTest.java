package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which agent a task goes through, for each connection keyword and delegate. */
class ExecutionTargetsTest {
    @TempDir
    Path dir;

    private Inventory inventory() throws Exception {
        Path file = Files.writeString(dir.resolve("inv.yml"), """
                all:
                  vars: {ansible_user: deploy}
                  children:
                    web:
                      hosts:
                        web1: {ansible_host: 10.0.0.1}
                    lb:
                      hosts:
                        lb1: {ansible_host: 10.0.0.9, ansible_port: 2222, ansible_user: ops}
                        bad: {ansible_port: 70000}
                        localhost: {ansible_connection: ssh}
                """);
        return Inventory.load(List.of(file.toString()));
    }

    private static HostRun run(Inventory inv, String name) {
        return new HostRun(name, inv.varsOfAnyHost(name), HostTargets.of(name, inv.varsOfAnyHost(name)), List.of());
    }

    @Test
    void theHostItselfUnlessTheKeywordSaysAnotherTransport() throws Exception {
        Inventory inv = inventory();
        ExecutionTargets targets = new ExecutionTargets(inv);
        HostRun web1 = run(inv, "web1");
        assertSame(web1.target, targets.of(web1, null, null).target());
        assertSame(ExecutionTargets.CONTROLLER, targets.of(run(inv, "127.0.0.1"), null, null).target(), "every local host is the one controller agent");
        assertSame(web1.target, targets.of(web1, "ssh", null).target());
        assertSame(web1.target, targets.of(web1, null, "web1").target(), "delegating to itself is running on itself");
        ExecutionTargets.Where local = targets.of(web1, "local", null);
        assertSame(ExecutionTargets.CONTROLLER, local.target());
        assertEquals("localhost", local.shownAs(), "web1's task ran on the controller");
        ExecutionTargets.Where onLocalhost = targets.of(run(inv, "127.0.0.1"), "local", null); // hosts: localhost + connection: local
        assertSame(ExecutionTargets.CONTROLLER, onLocalhost.target());
        assertNull(onLocalhost.shownAs());
    }

    @Test
    void aDelegateIsReachedWithItsOwnConnectionVars() throws Exception {
        Inventory inv = inventory();
        ExecutionTargets targets = new ExecutionTargets(inv);
        HostRun web1 = run(inv, "web1");
        ExecutionTargets.Where lb = targets.of(web1, null, "lb1");
        assertEquals(new HostTarget("lb1", "10.0.0.9", 2222, "ops", List.of(), null, HostTarget.Kind.SSH), lb.target());
        assertEquals("lb1", lb.shownAs());
        assertSame(lb.target(), targets.of(run(inv, "web1"), null, "lb1").target(), "one target per delegate");
        // Not in the inventory: its name is its address, with all's vars.
        HostTarget unlisted = targets.of(web1, null, "10.0.0.50").target();
        assertEquals("10.0.0.50", unlisted.address());
        assertEquals("deploy", unlisted.user());
        // 127.0.0.1 is the controller; the inventory's localhost here says ssh, and that is obeyed.
        assertSame(ExecutionTargets.CONTROLLER, targets.of(web1, null, "127.0.0.1").target());
        HostTarget sshLocalhost = targets.of(web1, null, "localhost").target();
        assertEquals(HostTarget.Kind.SSH, sshLocalhost.kind());
        // A remote host's session is per login user (remote_user); every local target shares the controller's one.
        assertEquals("localhost\u0000deploy", sshLocalhost.sessionKey());
        assertNotEquals(sshLocalhost.sessionKey(), sshLocalhost.withUser("ops").sessionKey());
        assertEquals("(local)", ExecutionTargets.CONTROLLER.sessionKey());
        assertEquals("(local)", HostTarget.local("db-on-controller").withUser("ops").sessionKey());
        assertThrows(InventoryException.class, () -> targets.of(web1, null, "bad"));
        assertNull(targets.of(web1, null, null).shownAs());
    }
}
