package dev.jplay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The test fleet's bare profile really looks like fresh cloud VMs, checked with OpenSSH's own client: login as
 * {@code debian} only, sudo with and without a password, no Java or runc until apt installs runc from the
 * fleet's local repository, runc then runs a container inside the host, and a host behind the bastion is
 * reachable only through it. Later tests of host preparation rely on each of these.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class BareFleetIT {
    static final String PASSWORD = "bare-" + System.nanoTime();
    static TestFleet fleet;

    @BeforeAll
    static void up() {
        // Host 1: NOPASSWD sudo and the bastion; host 2: sudo needs a password; host 3: behind the bastion.
        fleet = TestFleet.startBare(BareFleetIT.class, 3, "--sudo-password", PASSWORD, "--password-hosts", "2",
                "--bastion-hosts", "3");
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    @Test
    void loginIsTheSudoUserOnlyAndTheHostHasNoJavaOrRunc() throws Exception {
        Result id = ssh("debian", 1, "id -un; hostname; command -v java || echo no-java; command -v runc || echo no-runc");
        assertEquals(0, id.exit, id.err);
        assertEquals(List.of("debian", fleet.name(1), "no-java", "no-runc"), id.lines());
        Result root = ssh("root", 1, "true");
        assertNotEquals(0, root.exit, "root login is off");
        assertTrue(root.err.contains("Permission denied"), root.err);
        // Its own PID namespace: sshd is PID 1, the machine's processes are not visible.
        assertEquals("sshd", ssh("debian", 1, "cat /proc/1/comm").out.trim());
    }

    @Test
    void sudoWithoutAndWithAPassword() throws Exception {
        assertEquals("0", ssh("debian", 1, "sudo -n id -u").out.trim(), "NOPASSWD host");
        Result refused = ssh("debian", 2, "sudo -n id -u");
        assertNotEquals(0, refused.exit);
        assertTrue(refused.err.contains("a password is required"), refused.err);
        Result withPassword = ssh("debian", 2, "sudo -S -p '' id -u", PASSWORD + "\n");
        assertEquals("0", withPassword.out.trim(), withPassword.err);
        Result wrong = ssh("debian", 2, "sudo -S -p '' id -u", "not-it\n");
        assertNotEquals(0, wrong.exit);
    }

    @Test
    void aptInstallsRuncFromTheFleetRepositoryAndRuncRunsAContainer() throws Exception {
        Result install = ssh("debian", 1, "sudo apt-get -qq update && sudo DEBIAN_FRONTEND=noninteractive"
                + " apt-get install -y -qq runc containernetworking-plugins >/dev/null && command -v runc && ls /usr/lib/cni/bridge");
        assertEquals(0, install.exit, install.err);
        assertEquals(List.of("/usr/bin/runc", "/usr/lib/cni/bridge"), install.lines());
        // Only host 1 changed: the hosts share a read-only root filesystem under their own writable layer.
        assertEquals("no-runc", ssh("debian", 2, "command -v runc || echo no-runc").out.trim());

        byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
        Result bundle = ssh("debian", 1, "set -e; d=$(mktemp -d); mkdir -p $d/rootfs/bin; cat > $d/rootfs/bin/busybox;"
                + " chmod 755 $d/rootfs/bin/busybox; cd $d && runc spec && sed -i 's/\"terminal\": true/\"terminal\": false/;"
                + " s/\"sh\"/\"\\/bin\\/busybox\", \"echo\", \"inside-a-container\"/' config.json && echo $d", busybox);
        assertEquals(0, bundle.exit, bundle.err);
        String dir = bundle.out.trim();
        Result run = ssh("debian", 1, "cd " + dir + " && sudo runc run bare-it-" + System.nanoTime() % 100000 + " </dev/null");
        assertEquals(0, run.exit, run.err);
        assertEquals("inside-a-container", run.out.trim(), "the container's own process printed its argument");
    }

    @Test
    void aHostBehindTheBastionIsReachableOnlyThroughIt() throws Exception {
        Result direct = sshTo("debian", fleet.address(3), List.of("-o", "ConnectTimeout=2"), "hostname", null);
        assertNotEquals(0, direct.exit, "no direct route to port 22 of a host behind the bastion");
        String options = "-o BatchMode=yes -o UserKnownHostsFile=" + fleet.knownHosts() + " -o StrictHostKeyChecking=yes"
                + " -o IdentitiesOnly=yes -i " + fleet.clientKey();
        Result jumped = sshTo("debian", fleet.address(3),
                List.of("-o", "ProxyCommand=ssh " + options + " -W %h:%p debian@" + fleet.address(1)), "hostname", null);
        assertEquals(0, jumped.exit, jumped.err);
        assertEquals(fleet.name(3), jumped.out.trim());
        String inventory = Files.readString(fleet.inventoryYaml());
        assertTrue(inventory.contains("fleet_bastion: " + fleet.address(1)), inventory);
    }

    // ---- OpenSSH client ----

    record Result(int exit, String out, String err) {
        List<String> lines() { return out.isBlank() ? List.of() : List.of(out.strip().split("\n")); }
    }

    static Result ssh(String user, int host, String command) throws Exception {
        return sshTo(user, fleet.address(host), List.of(), command, null);
    }

    static Result ssh(String user, int host, String command, String stdin) throws Exception {
        return sshTo(user, fleet.address(host), List.of(), command, stdin.getBytes(StandardCharsets.UTF_8));
    }

    static Result ssh(String user, int host, String command, byte[] stdin) throws Exception {
        return sshTo(user, fleet.address(host), List.of(), command, stdin);
    }

    static Result sshTo(String user, String address, List<String> extra, String command, byte[] stdin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + fleet.knownHosts(),
                "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-i", fleet.clientKey().toString()));
        cmd.addAll(extra);
        cmd.add(user + "@" + address);
        cmd.add(command);
        Path out = Files.createTempFile("bare-it", ".out");
        Path err = Files.createTempFile("bare-it", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException closedEarly) {
                    // The command did not read all of it; its exit status says what happened.
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("ssh " + user + "@" + address + " " + command + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
