package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.cli.CliRun;
import dev.jplay.cli.Main;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.JavaProcess;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jplay exec} into a container that is root's, on a bare host whose sudo asks for a password: the
 * non-interactive path through the privileged agent, and {@code -t --interactive -b} on a real pseudo-terminal, where
 * sudo gets the password on the SSH channel and the terminal never shows it.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class BecomeExecFleetIT {
    static final String BRIDGE = "10.213.0.1";
    static final String PASSWORD = "exec-" + Long.toString(System.nanoTime(), 36);
    static TestFleet fleet;
    static RegistryServer registry;
    static Path work;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        fleet = TestFleet.startBare(BecomeExecFleetIT.class, 1, "--sudo-password", PASSWORD, "--password-hosts", "1");
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        TestImages.Pushed image = TestImages.pushBusybox(registry, "bexec/app:1", "unused\n");
        Path playbook = Files.writeString(dir.resolve("app.yml"), """
                - hosts: all
                  become: true
                  tasks:
                    - name: app
                      container:
                        name: rootapp
                        image: %s
                        insecure: true
                        network_mode: host
                        stop_timeout: 2
                        command: [sh, -c, 'echo rootapp > /name; trap "exit 0" TERM; while :; do sleep 1; done']
                """.formatted(image.reference()));
        Path runDir = dir.resolve("run");
        int code = Main.execute("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(), "--known-hosts",
                fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir", dir.resolve("state").toString(),
                "-e", "ansible_become_password=" + PASSWORD);
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(0, code, () -> "failures: " + r.failures());
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (registry != null) registry.close();
        } finally {
            if (fleet != null) fleet.close();
        }
    }

    @Test
    void execReachesRootsContainerThroughThePrivilegedAgent() {
        CliRun plain = CliRun.of("exec", "-i", fleet.inventoryYaml().toString(), "--known-hosts", fleet.knownHosts().toString(),
                "-b", "-e", "X=1", "rootapp", "sh", "-c", "cat /name; id -u");
        // -e is the command's environment here; the password comes from the environment variable, as for ps -b.
        assertEquals(125, plain.exit(), "without the password sudo refuses: " + plain.err());
        assertTrue(plain.err().contains("BECOME_PASSWORD_REQUIRED") || plain.err().contains("password"), plain.err());
        assertFalse(plain.err().contains(PASSWORD));

        java.io.InputStream stdin = System.in;
        CliRun asked;
        try {
            System.setIn(new java.io.ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8))); // -K without a terminal
            asked = CliRun.of("exec", "-i", fleet.inventoryYaml().toString(), "--known-hosts", fleet.knownHosts().toString(),
                    "-b", "-K", "rootapp", "sh", "-c", "cat /name; id -u");
        } finally {
            System.setIn(stdin);
        }
        assertEquals(0, asked.exit(), asked.err());
        assertEquals("rootapp\n0\n", asked.out());
        assertFalse(asked.out().contains(PASSWORD) || asked.err().contains(PASSWORD));
    }

    @Test
    void aTerminalThroughSudoWithAPasswordRunsWhatIsTypedAndNeverShowsThePassword() throws Exception {
        Path script = work.resolve("pty_session.py");
        try (var in = ExecAndStateFleetIT.class.getResourceAsStream("pty_session.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), "180"));
        cmd.addAll(JavaProcess.builder(work, Main.class.getName(), "exec", "-i", fleet.inventoryYaml().toString(), "--known-hosts",
                fleet.knownHosts().toString(), "-b", "-t", "--interactive", "rootapp", "sh").command());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(BecomeDefaults.PASSWORD_ENV, PASSWORD);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended with its terminal session");
        String shown = new String(out, StandardCharsets.UTF_8);
        System.out.println(shown); // the session, with how long the prompt took (PROMPT after N s)
        assertEquals(5, p.exitValue(), "the shell's exit code through jplay: " + shown);
        assertTrue(shown.contains("in-42") && shown.contains("rootapp\\r\\n"), shown);
        assertFalse(shown.contains(PASSWORD), "the password is never on the terminal: " + shown);
    }
}
