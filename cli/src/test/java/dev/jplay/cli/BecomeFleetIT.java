package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.HtmlReportWriter;
import dev.jplay.reports.JUnitXmlWriter;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code become} on bare hosts (fresh-VM-like: login {@code debian}, sudo): tasks without become run as the login user
 * and with become as root, through two agents on the host's one SSH connection, each started once; the password
 * (from -K) reaches no output file and no process's argv or environment on the host; sudo's refusals (wrong or
 * missing password, requiretty, not in sudoers) are located failures with their own codes; image and container
 * without become fail before reaching the host.
 *
 * <p>Bare hosts have no Java: jplay pushes its runtime into the login user's ~/.jplay/runtime, and the privileged
 * agent (root) runs on it too. Another become user cannot read that private directory: it needs a java of its own
 * ({@code jplay_java}), and without one the task is a located failure.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class BecomeFleetIT {
    static final String PASSWORD = "pw-" + Long.toString(System.nanoTime(), 36) + "-Zq";
    static TestFleet fleet;

    @TempDir
    Path work;

    @BeforeAll
    static void up() {
        // 1: NOPASSWD; 2: sudo with a password; 3: password and 'Defaults requiretty'; 4: password, not in sudoers.
        fleet = TestFleet.startBare(BecomeFleetIT.class, 4, "--sudo-password", PASSWORD, "--password-hosts", "2,3,4");
        fleet.exec(3, "sh", "-c", "echo 'Defaults requiretty' >/etc/sudoers.d/00-tty && chmod 0440 /etc/sudoers.d/00-tty");
        fleet.exec(4, "rm", "-f", "/etc/sudoers.d/debian");
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    private static final String WHO_RUNS_WHAT = """
            - hosts: fleet
              gather_facts: false
              tasks:
                - command: id -u
                  register: plain
                - shell: echo $PPID
                  register: plain_agent
                - command: id -u
                  become: true
                  register: root
                - block:
                    - shell: echo $PPID
                      register: root_agent
                    # Every process on the host as root sees it: uid, then its argv; then each one's environment.
                    - shell: |
                        for p in /proc/[0-9]*; do
                          printf '%s %s\\n' "$(awk '/^Uid:/ {print $2}' $p/status 2>/dev/null)" "$(tr '\\0' ' ' <$p/cmdline 2>/dev/null)"
                        done
                        echo ENVIRON
                        cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'
                      register: processes
                  become: yes
                - shell: echo $PPID
                  register: plain_agent_again
                - debug:
                    msg: "{{ plain.stdout }} {{ root.stdout }}"
            """;

    @Test
    void becomeRunsAsRootThroughASecondAgentOnTheConnectionAndThePasswordIsNowhere() throws Exception {
        Path playbook = Files.writeString(work.resolve("who.yml"), WHO_RUNS_WHAT);
        Path runDir = work.resolve("run");
        CliRun run = withStdin(PASSWORD + "\n", () -> CliRun.of(args(playbook, runDir, "-l", fleet.name(1) + "," + fleet.name(2), "-K")));
        assertEquals(0, run.exit(), run.out() + run.err());
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        for (int i : new int[] {1, 2}) {
            String host = fleet.name(i);
            assertEquals("1000", stdout(report, host, "command: id -u", 0), host + ": without become, the login user");
            assertEquals("0", stdout(report, host, "command: id -u", 1), host + ": with become, root");
            String plainAgent = stdout(report, host, "shell: echo $PPID", 0);
            String rootAgent = stdout(report, host, "shell: echo $PPID", 1);
            assertNotEquals(plainAgent, rootAgent, host + ": two agents");
            assertEquals(plainAgent, stdout(report, host, "shell: echo $PPID", 2), host + ": the login agent is started once");
            // While both agents run: exactly one java agent per user, on the one SSH connection (one sshd session).
            String processes = stdout(report, host, "shell: for p in /proc/[0-9]*; do", 0);
            List<String> agents = new ArrayList<>();
            for (String line : processes.split("\n")) {
                String[] f = line.split(" ", 3);
                if (f.length == 3 && f[1].endsWith("java") && f[2].contains("jplay-agent")) agents.add(f[0]);
            }
            assertEquals(Set.of("0", "1000"), new TreeSet<>(agents), host + ": agents " + agents + " in\n" + processes);
            assertEquals(2, agents.size(), host + ": one agent per user: " + agents);
            assertEquals(1, processes.lines().filter(l -> l.contains("sshd: debian@notty")).count(),
                    host + ": both agents on one SSH connection:\n" + processes);
            assertTrue(processes.contains("/var/lib/jplay/agent/jplay-agent-"), "root's agent runs its own copy of the jar");
            assertTrue(processes.contains("--state-dir /var/lib/jplay"), "root's agent keeps its state in /var/lib/jplay");
            assertTrue(processes.contains("ENVIRON"), processes);
            assertFalse(processes.contains(PASSWORD), host + ": the password is in a process's argv or environment");
        }
        assertEquals(List.of("0"), fleet.exec(2, "sh", "-c", "stat -c %u /var/lib/jplay/agent").lines().toList());
        assertFalse(run.out().contains(PASSWORD) || run.err().contains(PASSWORD), "terminal");
        for (String name : List.of(ReportFiles.REPORT, "events.jsonl", HtmlReportWriter.FILE, JUnitXmlWriter.FILE, "journal.json")) {
            String text = Files.readString(runDir.resolve(name), StandardCharsets.UTF_8);
            assertFalse(text.contains(PASSWORD), name + " holds the password");
        }
    }

    @Test
    void becomeUserAnotherThanRootRunsFromItsOwnCopyOfTheJar() throws Exception {
        for (int i : new int[] {1, 2}) fleet.exec(i, "sh", "-c", "id app >/dev/null 2>&1 || useradd -m app");
        Path playbook = Files.writeString(work.resolve("app.yml"), """
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - command: id -un
                    - command: id -un
                      become: true
                      become_user: app
                """);
        String limit = fleet.name(1) + "," + fleet.name(2);
        // The pushed runtime is the login user's, in its private ~/.jplay: app cannot run it.
        Path refusedDir = work.resolve("app-refused");
        CliRun refused = CliRun.of(args(playbook, refusedDir, "-l", limit, "-e", "ansible_become_password=" + PASSWORD));
        assertEquals(ExitCodes.HOST_FAILED, refused.exit(), refused.out() + refused.err());
        for (int i : new int[] {1, 2}) {
            TaskOutcome o = ReportFiles.read(refusedDir.resolve(ReportFiles.REPORT)).results().stream()
                    .filter(t -> t.host().equals(fleet.name(i)) && "failed".equals(t.status())).findFirst().orElseThrow();
            assertEquals("become", o.error().step(), o.toString());
            assertEquals("BECOME_JAVA_UNUSABLE", o.error().code(), o.error().cause());
            assertTrue(o.error().cause().contains("jplay_java") && o.error().cause().contains("app"), o.error().cause());
            assertTrue(o.error().location().endsWith("app.yml:5:7"), o.error().location());
        }
        // With a java app can execute (jplay_java), it runs from its own copy of the jar.
        for (int i : new int[] {1, 2}) {
            fleet.exec(i, "sh", "-c", "[ -x /opt/jplay-java/bin/java ] || { cp -a \"$(dirname \"$(ls -d ~debian/.jplay/runtime/*/bin"
                    + " | head -1)\")\" /opt/jplay-java && chown -R root:root /opt/jplay-java && chmod -R a+rX /opt/jplay-java; }");
        }
        Path inventory = Files.writeString(work.resolve("app-inventory.yml"), Files.readString(fleet.inventoryYaml())
                .replaceFirst("(?m)^  vars:\n", "  vars:\n    jplay_java: /opt/jplay-java/bin/java\n"));
        Path runDir = work.resolve("app-run");
        List<String> withJava = new ArrayList<>(List.of(args(playbook, runDir, "-l", limit,
                "-e", "ansible_become_password=" + PASSWORD)));
        withJava.set(withJava.indexOf(fleet.inventoryYaml().toString()), inventory.toString());
        CliRun run = CliRun.of(withJava.toArray(String[]::new));
        assertEquals(0, run.exit(), run.out() + run.err());
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        for (int i : new int[] {1, 2}) {
            assertEquals("app", stdout(report, fleet.name(i), "command: id -un", 1), fleet.name(i));
            assertEquals("app 700", fleet.exec(i, "stat", "-c", "%U %a", "/home/app/.jplay/agent").trim(),
                    "the jar read from the login user's private directory, kept in the user's own");
        }
    }

    @Test
    void aWrongPasswordIsALocatedFailureWithItsCode() throws Exception {
        RunReport r = becomeOnce(2, "-e", "ansible_become_password=not-" + PASSWORD);
        assertBecomeFailure(r, 2, "BECOME_WRONG_PASSWORD", "password was refused");
    }

    @Test
    void noPasswordWhereSudoWantsOneIsItsOwnCode() throws Exception {
        assertBecomeFailure(becomeOnce(2), 2, "BECOME_PASSWORD_REQUIRED", "-K");
    }

    @Test
    void sudoRequiringATtyIsItsOwnCode() throws Exception {
        RunReport r = becomeOnce(3, "-e", "ansible_become_password=" + PASSWORD);
        assertBecomeFailure(r, 3, "BECOME_REQUIRES_TTY", "requiretty");
    }

    @Test
    void aUserNotInSudoersIsItsOwnCode() throws Exception {
        RunReport r = becomeOnce(4, "-e", "ansible_become_password=" + PASSWORD);
        assertBecomeFailure(r, 4, "BECOME_NOT_ALLOWED", "sudoers");
    }

    @Test
    void imageAndContainerWithoutBecomeFailBeforeReachingTheHost() throws Exception {
        Path playbook = Files.writeString(work.resolve("image.yml"), """
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - image:
                        name: 127.0.0.1:5000/busybox:1
                """);
        Path runDir = work.resolve("image-run");
        CliRun run = CliRun.of(args(playbook, runDir, "-l", fleet.name(1)));
        assertEquals(ExitCodes.HOST_FAILED, run.exit(), run.out() + run.err());
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        TaskOutcome o = r.results().get(0);
        assertEquals("failed", o.status());
        assertEquals("become", o.error().step());
        assertEquals("BECOME_REQUIRED", o.error().code());
        assertTrue(o.error().cause().contains(fleet.name(1)) && o.error().cause().contains("add become: true"), o.error().cause());
        assertTrue(o.error().location().endsWith("image.yml:4:7"), o.error().location());
        assertEquals("absent", fleet.exec(1, "sh", "-c", "ls /var/lib/jplay/images /home/debian/.jplay/state/images"
                + " >/dev/null 2>&1 && echo present || echo absent").trim(), "nothing was touched on the host");
    }

    // ---- helpers ----

    private RunReport becomeOnce(int host, String... extra) throws IOException {
        Path playbook = Files.writeString(work.resolve("once.yml"), """
                - hosts: fleet
                  gather_facts: false
                  become: true
                  tasks:
                    - command: id -u
                """);
        Path runDir = work.resolve("once-" + host + "-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of(args(playbook, runDir, "-l", fleet.name(host))));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitCodes.HOST_FAILED, run.exit(), run.out() + run.err());
        assertFalse(run.out().contains(PASSWORD) || run.err().contains(PASSWORD), "terminal");
        for (String name : List.of(ReportFiles.REPORT, "events.jsonl", HtmlReportWriter.FILE, JUnitXmlWriter.FILE, "journal.json")) {
            assertFalse(Files.readString(runDir.resolve(name)).contains(PASSWORD), name + " holds the password");
        }
        return ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
    }

    private static void assertBecomeFailure(RunReport r, int host, String code, String hint) {
        TaskOutcome o = r.results().stream().filter(t -> t.host().equals(fleet.name(host))).findFirst().orElseThrow();
        assertEquals("failed", o.status(), "a refused become fails the task; the host is not unreachable: " + o);
        assertNotNull(o.error(), o.toString());
        assertEquals("become", o.error().step(), o.toString());
        assertEquals(code, o.error().code(), o.error().cause());
        assertTrue(o.error().cause().contains(hint), o.error().cause());
        assertTrue(o.error().cause().contains(fleet.name(host)), o.error().cause());
        assertTrue(o.error().location().endsWith("once.yml:5:7"), o.error().location());
        assertFalse(o.error().cause().contains(PASSWORD), "message holds the password");
    }

    private String[] args(Path playbook, Path runDir, String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(),
                "--state-dir", work.resolve("state").toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** The stdout of the {@code n}-th result (0-based) of tasks titled starting with {@code title} on {@code host}. */
    private static String stdout(RunReport r, String host, String title, int n) {
        List<TaskOutcome> matching = r.results().stream()
                .filter(o -> o.host().equals(host) && o.task().startsWith(title)).toList();
        assertTrue(matching.size() > n, "no result " + n + " of '" + title + "' on " + host + ": " + matching);
        String out = matching.get(n).stdout();
        return out == null ? "" : out.strip();
    }

    private interface Run {
        CliRun run() throws Exception;
    }

    /** -K without a terminal reads one line of stdin. */
    private static CliRun withStdin(String text, Run r) throws Exception {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        try {
            return r.run();
        } finally {
            System.setIn(old);
        }
    }
}
