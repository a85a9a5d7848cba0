package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.JavaProcess;
import dev.jplay.testing.TestFleet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys as people hold them, on real sshd hosts running the jplay agent: a key only a real ssh-agent holds, and a
 * passphrase-protected ed25519 key unlocked from {@code JPLAY_SSH_KEY_PASSPHRASE} in a jplay process of its own.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class SshKeysIT {
    static TestFleet fleet;

    @TempDir
    Path work;

    @BeforeAll
    static void up() {
        fleet = TestFleet.start(SshKeysIT.class, 2);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    @Test
    void aKeyHeldOnlyBySshAgentAuthenticatesAndAStoppedAgentIsLocated() throws Exception {
        Path key = work.resolve("agent_only_key");
        run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "agent-only", "-f", key.toString());
        authorize(1, key);
        Path rsa = work.resolve("agent_only_rsa"); // signed with rsa-sha2-*: servers refuse ssh-rsa's SHA-1
        run(Map.of(), "ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "agent-only-rsa", "-f", rsa.toString());
        authorize(2, rsa);
        Path sock = work.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("ssh-agent.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(sock) && System.nanoTime() < deadline) Thread.sleep(20); // the agent's readiness
            run(Map.of("SSH_AUTH_SOCK", sock.toString()), "ssh-add", "-q", key.toString(), rsa.toString());
            for (Path p : List.of(key, rsa)) { // from now on only the agent has the private keys
                Files.delete(p);
                Files.delete(Path.of(p + ".pub"));
            }
            Path config = Files.writeString(work.resolve("ssh_config"), "Host *\n  IdentityAgent " + sock + "\n");
            Path inv = Files.writeString(work.resolve("inv.yml"), "all:\n  vars:\n    ansible_user: root\n  hosts:\n"
                    + "    " + fleet.name(1) + ":\n      ansible_host: " + fleet.address(1) + "\n"
                    + "    " + fleet.name(2) + ":\n      ansible_host: " + fleet.address(2) + "\n");
            Path pb = Files.writeString(work.resolve("pb.yml"), "- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      command: id -un\n");

            RunReport ok = apply(pb, inv, "-F", config.toString());
            assertEquals(0, ok.exitCode(), String.valueOf(ok.failures()));
            assertEquals(2, ok.results().size());
            for (TaskOutcome who : ok.results()) { // host 1 takes the ed25519 key, host 2 the RSA key
                assertEquals(TaskOutcome.CHANGED, who.status(), "command reports changed, as Ansible's");
                assertEquals("root", who.stdout(), "the jplay agent ran the command on " + who.host());
            }

            // The same through SSH_AUTH_SOCK, in a jplay process of its own (no ssh config).
            Result fromEnv = jplay(Map.of("SSH_AUTH_SOCK", sock.toString()), pb, inv, "agent-env");
            assertEquals(0, fromEnv.exit, fromEnv.output);
            assertEquals(List.of("root", "root"), fromEnv.report.results().stream().map(TaskOutcome::stdout).toList());

            agent.destroy();
            assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
            RunReport refused = apply(pb, inv, "-F", config.toString());
            assertEquals(ExitCodes.HOST_UNREACHABLE, refused.exitCode());
            FailureInfo f = refused.failures().stream().filter(x -> x.host().equals(fleet.name(1))).findFirst().orElseThrow();
            assertEquals("auth", f.step());
            assertEquals("AGENT_UNAVAILABLE", f.code());
            assertTrue(f.cause().contains(sock.toString()), f.cause());
        } finally {
            agent.destroyForcibly();
        }
    }

    @Test
    void aPassphraseProtectedKeyIsUnlockedFromTheEnvironmentAndTheSecretAppearsNowhere() throws Exception {
        String secret = "pass-" + System.nanoTime() + "-phrase";
        Path key = work.resolve("locked_key");
        run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", secret, "-C", "locked", "-f", key.toString());
        authorize(2, key);
        Path inv = Files.writeString(work.resolve("inv-locked.yml"), "all:\n  hosts:\n    " + fleet.name(2)
                + ":\n      ansible_host: " + fleet.address(2) + "\n      ansible_user: root\n      ansible_ssh_private_key_file: "
                + key + "\n");
        Path pb = Files.writeString(work.resolve("pb-locked.yml"), "- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      command: id -un\n");

        Result right = jplay(Map.of(SshOptions.PASSPHRASE_ENV, secret), pb, inv, "right");
        assertEquals(0, right.exit, right.output);
        assertEquals("root", right.report.results().get(0).stdout());

        Result wrong = jplay(Map.of(SshOptions.PASSPHRASE_ENV, "not-" + secret), pb, inv, "wrong");
        assertEquals(ExitCodes.HOST_UNREACHABLE, wrong.exit, wrong.output);
        FailureInfo f = wrong.report.failures().get(0);
        assertEquals("auth", f.step());
        assertEquals("KEY_PASSPHRASE", f.code());
        assertTrue(f.cause().contains("wrong passphrase") && f.cause().contains(key.toString()), f.cause());

        Result none = jplay(Map.of(), pb, inv, "none");
        assertEquals("KEY_PASSPHRASE", none.report.failures().get(0).code());
        assertTrue(none.report.failures().get(0).cause().contains(SshOptions.PASSPHRASE_ENV), none.report.failures().get(0).cause());

        // Neither the right nor the wrong passphrase is in any file the runs wrote (reports, journals, output).
        List<Path> written;
        try (Stream<Path> files = Files.walk(work)) {
            written = files.filter(Files::isRegularFile).toList();
        }
        assertTrue(written.size() > 6, "reports and outputs were written: " + written);
        for (Path p : written) {
            String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(secret), "passphrase in " + p);
        }
    }

    @Test
    void eachHostsKnownHostsFileFromTheInventoryIsCheckedStrictlyAndTheCliFileWins() throws Exception {
        Path pb = Files.writeString(work.resolve("pb-known.yml"), "- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      command: id -un\n");
        // The fleet's own inventory names its known_hosts only as jplay_known_hosts: no --known-hosts, no ssh config.
        RunReport fleetInventory = applyWithout(pb, fleet.inventoryYaml());
        assertEquals(0, fleetInventory.exitCode(), String.valueOf(fleetInventory.failures()));
        assertEquals(List.of("root", "root"), fleetInventory.results().stream().map(TaskOutcome::stdout).toList());

        // Host 2's file records host 1's key under host 2's address: a changed host key, located in that file.
        String host1Key = Files.readAllLines(fleet.knownHosts()).get(0).split(" ", 2)[1];
        Path forged = Files.writeString(work.resolve("forged_known_hosts"), fleet.address(2) + " " + host1Key + "\n");
        Path inv = Files.writeString(work.resolve("inv-known.yml"), "all:\n  vars:\n    ansible_user: root\n"
                + "    ansible_ssh_private_key_file: " + fleet.clientKey() + "\n  hosts:\n"
                + "    " + fleet.name(1) + ":\n      ansible_host: " + fleet.address(1) + "\n"
                + "      ansible_ssh_common_args: -o UserKnownHostsFile=" + fleet.knownHosts() + "\n"
                + "    " + fleet.name(2) + ":\n      ansible_host: " + fleet.address(2) + "\n"
                + "      jplay_known_hosts: " + forged + "\n"
                + "      ansible_ssh_common_args: -o UserKnownHostsFile=" + fleet.knownHosts() + "\n");
        RunReport mixed = applyWithout(pb, inv);
        assertEquals(ExitCodes.HOST_UNREACHABLE, mixed.exitCode());
        assertEquals(TaskOutcome.CHANGED, mixed.results().stream().filter(o -> o.host().equals(fleet.name(1)))
                .findFirst().orElseThrow().status(), "-o UserKnownHostsFile in ansible_ssh_common_args");
        assertEquals(1, mixed.failures().size(), () -> "failures: " + mixed.failures());
        FailureInfo f = mixed.failures().get(0);
        assertEquals(fleet.name(2), f.host());
        assertEquals("who", f.task());
        assertEquals("hostkey", f.step());
        assertEquals("HOST_KEY_MISMATCH", f.code(), "jplay_known_hosts wins over -o UserKnownHostsFile: " + f.cause());
        assertTrue(f.cause().contains(forged.toString()), f.cause());
        assertEquals(List.of(fleet.address(2) + " " + host1Key), Files.readAllLines(forged), "never rewritten");

        RunReport cliWins = apply(pb, inv, "-F", "none");
        assertEquals(0, cliWins.exitCode(), "--known-hosts wins over the inventory's files: " + cliWins.failures());
    }

    /** A run with no --known-hosts and no ssh config: each host's known_hosts file comes from the inventory. */
    private RunReport applyWithout(Path pb, Path inv) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        CliRun run = CliRun.of("apply", pb.toString(), "-i", inv.toString(), "--report-dir", runDir.toString(), "-F", "none");
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(run.exit(), r.exitCode(), run.err());
        return r;
    }

    private record Result(int exit, String output, RunReport report) {}

    /** jplay in a process of its own, so that its environment holds the passphrase (and nothing else of ours). */
    private Result jplay(Map<String, String> env, Path pb, Path inv, String name) throws Exception {
        Path runDir = work.resolve("run-" + name);
        Path out = work.resolve("output-" + name + ".log");
        ProcessBuilder b = JavaProcess.builder(work, "dev.jplay.cli.Main", "apply", pb.toString(), "-i", inv.toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "-F", "none", "-vvv")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        b.environment().remove("SSH_AUTH_SOCK");
        b.environment().remove(SshOptions.PASSPHRASE_ENV);
        b.environment().putAll(env);
        Process p = b.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            JavaProcess.killTree(p.toHandle());
            throw new AssertionError("jplay did not finish in 120 s: " + Files.readString(out));
        }
        String output = Files.readString(out);
        assertTrue(Files.exists(runDir.resolve(ReportFiles.REPORT)), "no report; jplay printed: " + output);
        return new Result(p.exitValue(), output, ReportFiles.read(runDir.resolve(ReportFiles.REPORT)));
    }

    private RunReport apply(Path pb, Path inv, String... extra) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", pb.toString(), "-i", inv.toString(), "--known-hosts",
                fleet.knownHosts().toString(), "--report-dir", runDir.toString()));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(run.exit(), r.exitCode(), run.err());
        return r;
    }

    private static void authorize(int host, Path key) throws IOException {
        String pub = Files.readString(Path.of(key + ".pub")).strip();
        fleet.exec(host, "sh", "-c", "echo '" + pub + "' >> /root/.ssh/authorized_keys");
    }

    private void run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(command[0] + "-" + System.nanoTime() + ".log").toFile());
        b.environment().putAll(env);
        Process p = b.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed");
    }
}
