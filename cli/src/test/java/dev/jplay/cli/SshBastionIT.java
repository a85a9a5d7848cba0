package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.connection.RawCommand;
import dev.jplay.engine.connection.SshArgs;
import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.protocol.Step;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bare hosts (no Java, login user debian) reached as people reach them: {@code raw} without the agent, hosts 2
 * and 3 only through host 1 as a bastion ({@code ProxyJump} from the inventory or from an ssh config), the
 * bastion's host key checked, one bastion connection for all targets behind it.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class SshBastionIT {
    static TestFleet fleet;

    @TempDir
    Path work;

    @BeforeAll
    static void up() {
        fleet = TestFleet.startBare(SshBastionIT.class, 3, "--bastion-hosts", "2,3");
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    /** Host 1 direct, host 3 behind the bastion by the inventory's ansible_ssh_common_args. */
    private Path inventory() throws Exception {
        Path inv = work.resolve("inventory.yml");
        Files.writeString(inv, "all:\n  vars:\n    ansible_user: debian\n    ansible_ssh_private_key_file: " + fleet.clientKey()
                + "\n  hosts:\n    " + fleet.name(1) + ":\n      ansible_host: " + fleet.address(1)
                + "\n    " + fleet.name(3) + ":\n      ansible_host: " + fleet.address(3)
                + "\n      ansible_ssh_common_args: '-o StrictHostKeyChecking=yes -o ProxyJump=debian@" + fleet.address(1) + "'\n");
        return inv;
    }

    private RunReport apply(String playbookYaml, Path inventory, Path knownHosts, String... extra) throws Exception {
        Path pb = Files.writeString(Files.createTempFile(work, "pb", ".yml"), playbookYaml);
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", pb.toString(), "-i", inventory.toString(), "--known-hosts",
                knownHosts.toString(), "--report-dir", runDir.toString(), "--ssh-config", "none", "--connect-timeout", "5"));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(run.exit(), report.exitCode(), run.err());
        return report;
    }

    private static TaskOutcome result(RunReport r, String host, String task) {
        return r.results().stream().filter(o -> o.host().equals(host) && o.task().equals(task)).findFirst()
                .orElseThrow(() -> new AssertionError("no result of '" + task + "' on " + host + " in " + r.results()));
    }

    @Test
    void rawRunsOnBareHostsWithoutJavaDirectlyAndThroughTheBastion() throws Exception {
        RunReport r = apply("""
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: probe
                      raw: "command -v java || echo no-java; echo to-stderr >&2; hostname"
                    - name: exits 3
                      raw: exit 3
                      ignore_errors: true
                    - name: bash
                      raw: echo $BASH_VERSION | cut -c1
                      args:
                        executable: /bin/bash
                    - name: too slow
                      raw: sleep 300
                      timeout: 2
                      ignore_errors: true
                """, inventory(), fleet.knownHosts());
        assertEquals(0, r.exitCode());
        for (int i : new int[] {1, 3}) {
            TaskOutcome probe = result(r, fleet.name(i), "probe");
            assertEquals(TaskOutcome.CHANGED, probe.status(), "raw always reports changed, as Ansible's");
            assertEquals(0, probe.rc());
            assertEquals("no-java\n" + fleet.name(i) + "\n", probe.stdout(), "the host has no Java; this is its own hostname");
            assertEquals("to-stderr\n", probe.stderr());
            TaskOutcome three = result(r, fleet.name(i), "exits 3");
            assertEquals(TaskOutcome.FAILED, three.status());
            assertEquals(3, three.rc());
            assertEquals("NON_ZERO_RC", three.error().code());
            assertEquals("5\n", result(r, fleet.name(i), "bash").stdout(), "executable ran the line with bash 5");
            TaskOutcome slow = result(r, fleet.name(i), "too slow");
            assertEquals("TIMEOUT", slow.error().code());
            assertTrue(slow.durationMs() < 30_000, "stopped at its timeout: " + slow.durationMs() + " ms");
        }
        // The timed-out command was killed, not left running on the host.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!fleet.pgrep(1, "sleep 300").isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(List.of(), fleet.pgrep(1, "sleep 300"));
    }

    @Test
    void theFleetsOwnInventoryWithItsBastionProxyCommandWorks() throws Exception {
        RunReport r = apply("- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      raw: hostname\n", fleet.inventoryYaml(), fleet.knownHosts());
        assertEquals(0, r.exitCode(), String.valueOf(r.failures()));
        for (int i = 1; i <= 3; i++) assertEquals(fleet.name(i) + "\n", result(r, fleet.name(i), "who").stdout());
    }

    @Test
    void checkModeDoesNotRunRawCommands() throws Exception {
        String marker = "/tmp/raw-check-" + System.nanoTime();
        RunReport r = apply("- hosts: all\n  gather_facts: false\n  tasks:\n    - name: touch\n      raw: touch " + marker + "\n", inventory(),
                fleet.knownHosts(), "--check");
        assertEquals(TaskOutcome.OK, result(r, fleet.name(1), "touch").status());
        assertEquals("absent", fleet.exec(1, "sh", "-c", "test -e " + marker + " && echo present || echo absent").trim());
    }

    @Test
    void proxyJumpHostNameUserAndKeyFromAnSshConfig() throws Exception {
        Path config = work.resolve("ssh_config");
        Files.writeString(config, "Host behind-*\n  HostName " + fleet.address(3) + "\n  User debian\n  IdentityFile "
                + fleet.clientKey() + "\n  ProxyJump debian@" + fleet.address(1) + "\nHost *\n  User nobody-in-particular\n");
        Path inv = Files.writeString(work.resolve("plain.yml"), "all:\n  hosts:\n    behind-3:\n");
        Path pb = Files.writeString(work.resolve("pb.yml"), "- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      raw: id -un; hostname\n");
        Path runDir = work.resolve("run-config");
        CliRun run = CliRun.of("apply", pb.toString(), "-i", inv.toString(), "--known-hosts", fleet.knownHosts().toString(),
                "--report-dir", runDir.toString(), "-F", config.toString());
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(0, run.exit(), run.out() + run.err());
        assertEquals("debian\n" + fleet.name(3) + "\n", result(r, "behind-3", "who").stdout());
    }

    @Test
    void theLoginUserComesFromRemoteUserOrDashU() throws Exception {
        Path inv = Files.writeString(work.resolve("no-user.yml"), "all:\n  vars:\n    ansible_ssh_private_key_file: "
                + fleet.clientKey() + "\n  hosts:\n    " + fleet.name(1) + ":\n      ansible_host: " + fleet.address(1) + "\n");
        RunReport r = apply("""
                - hosts: all
                  gather_facts: false
                  remote_user: debian
                  tasks:
                    - name: as the play says
                      raw: id -un
                    - name: as the task says
                      raw: id -un
                      remote_user: "{{ login }}"
                      vars:
                        login: root
                """, inv, fleet.knownHosts());
        assertEquals("debian\n", result(r, fleet.name(1), "as the play says").stdout());
        TaskOutcome asRoot = result(r, fleet.name(1), "as the task says");
        assertEquals(TaskOutcome.UNREACHABLE, asRoot.status(), "bare hosts refuse root: the task's user was used: " + asRoot.error());
        assertEquals("AUTH_FAILED", asRoot.error().code());
        assertTrue(asRoot.error().cause().contains("user root was refused"), asRoot.error().cause());

        RunReport dashU = apply("- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      raw: id -un\n", inv, fleet.knownHosts(), "-u", "debian");
        assertEquals("debian\n", result(dashU, fleet.name(1), "who").stdout());
        RunReport inventoryWins = apply("- hosts: all\n  gather_facts: false\n  remote_user: root\n  tasks:\n    - name: who\n      raw: id -un\n",
                inventory(), fleet.knownHosts(), "-u", "root");
        assertEquals("debian\n", result(inventoryWins, fleet.name(1), "who").stdout(), "ansible_user wins, as in Ansible");
    }

    @Test
    void aBlocksRemoteUserWinsOverThePlaysAndATasksOverTheBlocks() throws Exception {
        Path inv = Files.writeString(work.resolve("no-user-block.yml"), "all:\n  vars:\n    ansible_ssh_private_key_file: "
                + fleet.clientKey() + "\n  hosts:\n    " + fleet.name(1) + ":\n      ansible_host: " + fleet.address(1) + "\n");
        RunReport r = apply("""
                - hosts: all
                  gather_facts: false
                  remote_user: root
                  tasks:
                    - block:
                        - name: as the block says
                          raw: id -un
                        - name: as the task says
                          raw: id -un
                          remote_user: root
                      remote_user: debian
                """, inv, fleet.knownHosts());
        assertEquals("debian\n", result(r, fleet.name(1), "as the block says").stdout(), "the block's user, not the play's root");
        TaskOutcome asRoot = result(r, fleet.name(1), "as the task says");
        assertEquals(TaskOutcome.UNREACHABLE, asRoot.status(), "bare hosts refuse root: the task's user was used: " + asRoot.error());
        assertTrue(asRoot.error().cause().contains("user root was refused"), asRoot.error().cause());
    }

    @Test
    void aDelegatedTaskLogsInWithRemoteUserUnlessTheDelegatesInventoryNamesItsUser() throws Exception {
        // The delegate "as-root" is host 1 again under an inventory name whose ansible_user is root (refused there).
        Path inv = Files.writeString(work.resolve("delegates.yml"), "all:\n  vars:\n    ansible_ssh_private_key_file: "
                + fleet.clientKey() + "\n  hosts:\n    " + fleet.name(1) + ":\n      ansible_host: " + fleet.address(1)
                + "\n    as-root:\n      ansible_host: " + fleet.address(1) + "\n      ansible_user: root\n");
        RunReport r = apply("""
                - hosts: %s
                  gather_facts: false
                  remote_user: debian
                  tasks:
                    - name: to a delegate the inventory does not list
                      raw: id -un
                      delegate_to: %s
                    - name: to a delegate with its own user
                      raw: id -un
                      delegate_to: as-root
                """.formatted(fleet.name(1), fleet.address(1)), inv, fleet.knownHosts());
        TaskOutcome unlisted = result(r, fleet.name(1), "to a delegate the inventory does not list");
        assertEquals("debian\n", unlisted.stdout(), "remote_user applies to the delegate connection: " + unlisted.error());
        assertEquals(fleet.address(1), unlisted.delegatedTo());
        TaskOutcome asRoot = result(r, fleet.name(1), "to a delegate with its own user");
        assertEquals(TaskOutcome.UNREACHABLE, asRoot.status(), "the delegate's ansible_user wins over remote_user");
        assertEquals("as-root", asRoot.delegatedTo());
        assertTrue(asRoot.error().cause().contains("user root was refused"), asRoot.error().cause());
    }

    @Test
    void theBastionsHostKeyIsCheckedAndItsMismatchLocated() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(fleet.knownHosts()));
        String bastion = fleet.address(1);
        String key2 = lines.stream().filter(l -> l.startsWith(fleet.address(2) + " ")).findFirst().orElseThrow();
        lines.replaceAll(l -> l.startsWith(bastion + " ") ? bastion + key2.substring(key2.indexOf(' ')) : l);
        Path kh = Files.write(work.resolve("known_hosts_bad_bastion"), lines);
        Path inv = Files.writeString(work.resolve("behind.yml"), "all:\n  vars:\n    ansible_user: debian\n"
                + "    ansible_ssh_private_key_file: " + fleet.clientKey() + "\n  hosts:\n    " + fleet.name(3) + ":\n"
                + "      ansible_host: " + fleet.address(3) + "\n      ansible_ssh_common_args: -J debian@" + bastion + "\n");
        RunReport r = apply("- hosts: all\n  gather_facts: false\n  tasks:\n    - name: probe\n      raw: hostname\n", inv, kh);
        assertEquals(ExitCodes.HOST_UNREACHABLE, r.exitCode());
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(3), f.host());
        assertEquals("hostkey", f.step());
        assertEquals("HOST_KEY_MISMATCH", f.code());
        assertTrue(f.cause().contains("jump host debian@" + bastion + ":22") && f.cause().contains("of " + bastion + " does not match"),
                f.cause());
        assertEquals("debian@" + bastion + ":22", f.detail().get("jump_host"));

        // The target's own key is checked too, through the tunnel: unknown there, refused (no jump_host detail).
        List<String> withoutTarget = new ArrayList<>(Files.readAllLines(fleet.knownHosts()));
        withoutTarget.removeIf(l -> l.startsWith(fleet.address(3) + " "));
        Path kh2 = Files.write(work.resolve("known_hosts_no_target"), withoutTarget);
        RunReport r2 = apply("- hosts: all\n  gather_facts: false\n  tasks:\n    - name: probe\n      raw: hostname\n", inv, kh2);
        FailureInfo f2 = r2.failures().get(0);
        assertEquals("HOST_KEY_UNKNOWN", f2.code());
        assertTrue(f2.cause().contains("of " + fleet.address(3) + " is not in"), f2.cause());
        assertNull(f2.detail() == null ? null : f2.detail().get("jump_host"));
    }

    @Test
    void oneBastionConnectionServesEveryTargetBehindIt() throws Exception {
        awaitBastionSessions(0);
        SshSettings settings = SshSettings.defaults().withKnownHosts(fleet.knownHosts()).withSshConfig(null)
                .withAgentSocket(null).withConnectTimeout(Duration.ofSeconds(5));
        try (Connections connections = Connections.builder().ssh(settings).build()) {
            HostTarget t2 = fleet.target(2).withSshArgs(SshArgs.parse("-J debian@" + fleet.address(1)));
            HostTarget t3 = fleet.target(3).withSshArgs(SshArgs.parse("-o ProxyJump=debian@" + fleet.address(1)));
            long t0 = System.nanoTime();
            RawCommand.Result two = connections.raw(t2, "hostname", Duration.ofSeconds(20));
            long first = System.nanoTime() - t0;
            assertEquals(fleet.name(2) + "\n", two.stdout());
            int afterOne = bastionSessions();
            assertTrue(afterOne > 0, "the bastion serves a connection");
            t0 = System.nanoTime();
            assertEquals(fleet.name(3) + "\n", connections.raw(t3, "hostname", Duration.ofSeconds(20)).stdout());
            System.out.printf("raw through the bastion: first %.1f ms (bastion + target handshakes), next %.1f ms (target only)%n",
                    first / 1e6, (System.nanoTime() - t0) / 1e6);
            assertEquals(fleet.name(2) + "\n", connections.raw(t2, "hostname", Duration.ofSeconds(20)).stdout());
            assertEquals(afterOne, bastionSessions(), "no second connection to the bastion");
        }
        awaitBastionSessions(0); // closed with the run
        // What the bastion cannot reach fails at connect, named as the bastion's failure to open the tunnel.
        try (Connections connections = Connections.builder().ssh(settings).build()) {
            HostTarget closedPort = fleet.target(1).withPort(2).withSshArgs(SshArgs.parse("-J debian@" + fleet.address(1)));
            ConnectionException e = org.junit.jupiter.api.Assertions.assertThrows(ConnectionException.class,
                    () -> connections.raw(closedPort, "true", Duration.ofSeconds(5)));
            assertEquals(Step.CONNECT, e.step());
            assertEquals("CONNECT_REFUSED", e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("could not open a connection to " + fleet.address(1) + ":2"), e.getMessage());
        }
    }

    /** Owner of a second fleet (hosts with Java, root login), so that its prefix differs from this class's. */
    static final class JavaHosts {}

    @Test
    void anAgentBasedTaskRunsOnAJavaHostBehindTheBastion() throws Exception {
        try (TestFleet java = TestFleet.start(JavaHosts.class, 1)) {
            Path kh = Files.writeString(work.resolve("known_hosts_both"),
                    Files.readString(fleet.knownHosts()) + Files.readString(java.knownHosts()));
            // The bastion's key comes from its own ssh_config entry; the target's from the inventory.
            Path config = Files.writeString(work.resolve("jump_config"), "Host " + fleet.address(1) + "\n  IdentityFile "
                    + fleet.clientKey() + "\n  IdentitiesOnly yes\n");
            Path inv = Files.writeString(work.resolve("java.yml"), "all:\n  hosts:\n    " + java.name(1) + ":\n"
                    + "      ansible_host: " + java.address(1) + "\n      ansible_user: root\n"
                    + "      ansible_ssh_private_key_file: " + java.clientKey() + "\n"
                    + "      ansible_ssh_common_args: -o ProxyJump=debian@" + fleet.address(1) + "\n");
            Path pb = Files.writeString(work.resolve("agent.yml"), "- hosts: all\n  tasks:\n    - name: ping\n      ping:\n"
                    + "    - name: from\n      shell: echo ${SSH_CONNECTION%% *}\n");
            Path runDir = work.resolve("run-java");
            CliRun run = CliRun.of("apply", pb.toString(), "-i", inv.toString(), "--known-hosts", kh.toString(),
                    "--report-dir", runDir.toString(), "-F", config.toString());
            RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
            assertEquals(0, run.exit(), run.out() + run.err());
            assertEquals(TaskOutcome.OK, result(r, java.name(1), "ping").status());
            assertEquals(fleet.address(1), result(r, java.name(1), "from").stdout(),
                    "the jplay agent's SSH connection came from the bastion");
        }
    }

    /** sshd's per-connection monitor processes for user debian on the bastion. */
    private static int bastionSessions() {
        return fleet.pgrep(1, "^sshd: debian").size();
    }

    private static void awaitBastionSessions(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (bastionSessions() != n && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(n, bastionSessions(), "sshd sessions on the bastion");
    }
}
