package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** {@code jplay apply} end to end on five real sshd hosts (network namespaces), through the real agent. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ApplyFleetIT {
    static TestFleet fleet;

    @TempDir
    Path work;

    @BeforeAll
    static void up() {
        fleet = TestFleet.start(ApplyFleetIT.class, 5);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    private RunReport apply(Path playbook, String... extra) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString()));
        args.addAll(List.of(extra));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return report;
    }

    private Path playbook(String name, String yaml) throws Exception {
        Path p = work.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void twentyTasksOnFiveHosts() throws Exception {
        StringBuilder yaml = new StringBuilder("- hosts: fleet\n  tasks:\n");
        for (int i = 0; i < 20; i++) {
            switch (i % 4) {
                case 0 -> yaml.append("    - command: echo task").append(i).append(" {{ inventory_hostname }}\n      register: r").append(i).append('\n');
                case 1 -> yaml.append("    - copy: {content: \"n={{ inventory_hostname }} i=").append(i).append("\\n\", dest: /tmp/f").append(i).append("}\n");
                case 2 -> yaml.append("    - file: {path: /tmp/d").append(i).append(", state: directory, mode: \"0750\"}\n");
                default -> yaml.append("    - stat: {path: /tmp/f").append(i - 2).append("}\n      register: s\n    - assert: {that: [\"s.stat.exists\"]}\n");
            }
        }
        RunReport r = apply(playbook("twenty.yml", yaml.toString()));
        assertEquals(0, r.exitCode(), () -> "failures: " + r.failures());
        assertEquals(5, r.recap().size());
        for (int h = 1; h <= 5; h++) {
            HostRecap recap = r.recap().get(fleet.name(h));
            assertEquals(26, recap.ok(), "Gathering Facts + 20 tasks + 5 asserts on " + fleet.name(h));
            assertEquals(0, recap.failed());
            // each host wrote its own files, in its own /tmp
            assertEquals("n=" + fleet.name(h) + " i=1", fleet.exec(h, "cat", "/tmp/f1").trim());
            assertEquals("750", fleet.exec(h, "stat", "-c", "%a", "/tmp/d2").trim());
        }
        long echoes = r.results().stream().filter(o -> "command".equals(o.module()) && o.stdout() != null && o.stdout().startsWith("task0 ")).count();
        assertEquals(5, echoes);
    }

    @Test
    void idempotentSecondRunChangesNothingAndCheckModeTouchesNothing() throws Exception {
        Files.createDirectories(work.resolve("templates"));
        Files.writeString(work.resolve("templates/app.conf.mustache"), "host={{ inventory_hostname }}\nport={{ port }}\n");
        Path pb = playbook("idem.yml", """
                - hosts: all
                  vars: {port: 8080}
                  tasks:
                    - file: {path: /tmp/idem, state: directory, mode: "0755"}
                    - copy: {content: "static\\n", dest: /tmp/idem/static.txt, mode: "0600"}
                    - template: {src: app.conf.mustache, dest: /tmp/idem/app.conf}
                    - file: {path: /tmp/idem/link, src: /tmp/idem/app.conf, state: link}
                """);
        // --check first: reports changes, writes nothing
        RunReport check = apply(pb, "--check");
        assertEquals(0, check.exitCode(), () -> "failures: " + check.failures());
        assertTrue(check.recap().values().stream().allMatch(rc -> rc.changed() >= 1));
        assertEquals("absent", fleet.exec(1, "sh", "-c", "test -e /tmp/idem && echo present || echo absent").trim());

        RunReport first = apply(pb);
        assertEquals(0, first.exitCode(), () -> "failures: " + first.failures());
        assertTrue(first.recap().values().stream().allMatch(rc -> rc.changed() == 4), first.recap().toString());
        assertEquals("host=" + fleet.name(3) + "\nport=8080", fleet.exec(3, "cat", "/tmp/idem/app.conf").trim());

        RunReport second = apply(pb);
        assertEquals(0, second.exitCode());
        assertTrue(second.recap().values().stream().allMatch(rc -> rc.changed() == 0 && rc.ok() == 5), second.recap().toString());

        // a changed variable changes exactly the template, and --diff shows it
        RunReport third = apply(pb, "-e", "port=9090", "--diff");
        for (HostRecap rc : third.recap().values()) assertEquals(1, rc.changed());
        TaskOutcome tpl = third.results().stream().filter(o -> "template".equals(o.module()) && o.changed()).findFirst().orElseThrow();
        assertNotNull(tpl.diff());
        assertTrue(String.valueOf(tpl.diff().get("after")).contains("port=9090"));
    }

    @Test
    void failureIsLocatedAndOtherHostsContinue() throws Exception {
        Path pb = playbook("fail.yml", """
                - hosts: all
                  tasks:
                    - name: fails on host 2 only
                      shell: "test {{ inventory_hostname }} != %s || { echo boom >&2; exit 3; }"
                    - name: after
                      command: "true"
                """.formatted(fleet.name(2)));
        RunReport r = apply(pb);
        assertEquals(ExitCodes.HOST_FAILED, r.exitCode());
        assertEquals(1, r.failures().size());
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(2), f.host());
        assertEquals("fails on host 2 only", f.task());
        assertTrue(f.location().endsWith("fail.yml:3:7"), f.location());
        assertEquals("exec", f.step());
        assertEquals("NON_ZERO_RC", f.code());
        assertEquals(3, f.detail().get("rc"));
        assertTrue(String.valueOf(f.detail().get("stderr_tail")).contains("boom"));
        assertEquals(1, r.recap().get(fleet.name(2)).ok(), "its facts, then no more tasks in the play after the failed one");
        assertEquals(3, r.recap().get(fleet.name(1)).ok());
    }

    @Test
    void unreachableHostIsReportedAndTheRestContinue() throws Exception {
        Path inv = work.resolve("with-dead.yml");
        Files.writeString(inv, Files.readString(fleet.inventoryYaml()) + "        dead-host:\n          ansible_host: " + fleet.unusedAddress() + "\n");
        Path pb = playbook("ping.yml", "- hosts: all\n  tasks:\n    - ping:\n    - command: uname -n\n");
        Path runDir = work.resolve("run-dead");
        int code = Main.execute("apply", pb.toString(), "-i", inv.toString(), "--known-hosts", fleet.knownHosts().toString(),
                "--report-dir", runDir.toString(), "--connect-timeout", "2");
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(ExitCodes.HOST_UNREACHABLE, code);
        assertEquals(1, r.recap().get("dead-host").unreachable());
        assertEquals(3, r.recap().get(fleet.name(5)).ok());
        FailureInfo f = r.failures().stream().filter(x -> x.host().equals("dead-host")).findFirst().orElseThrow();
        assertEquals("connect", f.step());
        assertEquals("Gathering Facts", f.task(), "the first task to reach the host");
        assertTrue(f.cause().contains("dead-host"), f.cause());
    }

    @Test
    void changedHostKeyIsRefusedNamingTheHost() throws Exception {
        Path kh = work.resolve("known_hosts_bad");
        List<String> lines = new ArrayList<>(Files.readAllLines(fleet.knownHosts()));
        // host 1's address now claims host 2's key: a man in the middle as far as jplay can tell
        String addr1 = fleet.address(1);
        String key2 = lines.stream().filter(l -> l.startsWith(fleet.address(2) + " ")).findFirst().orElseThrow();
        lines.replaceAll(l -> l.startsWith(addr1 + " ") ? addr1 + key2.substring(key2.indexOf(' ')) : l);
        Files.write(kh, lines);
        Path pb = playbook("ping2.yml", "- hosts: all\n  tasks:\n    - ping:\n");
        Path runDir = work.resolve("run-key");
        int code = Main.execute("apply", pb.toString(), "-i", fleet.inventoryYaml().toString(), "--known-hosts", kh.toString(),
                "--report-dir", runDir.toString());
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(ExitCodes.HOST_UNREACHABLE, code);
        FailureInfo f = r.failures().get(0);
        assertEquals(fleet.name(1), f.host());
        assertEquals("hostkey", f.step());
        assertTrue(f.cause().contains(fleet.name(1)), f.cause());
        assertEquals(2, r.recap().get(fleet.name(2)).ok());
    }

    @Test
    void agentIsUploadedOnceAndReused() throws Exception {
        Path pb = playbook("ping3.yml", "- hosts: all\n  tasks:\n    - ping:\n");
        apply(pb);
        String before = fleet.exec(4, "sh", "-c", "ls -l --time-style=+%s.%N /root/.jplay/agent/*.jar");
        RunReport again = apply(pb);
        assertEquals(0, again.exitCode());
        String after = fleet.exec(4, "sh", "-c", "ls -l --time-style=+%s.%N /root/.jplay/agent/*.jar");
        assertEquals(before, after, "same single jar, not rewritten");
        assertEquals(1, before.strip().lines().count());
        assertEquals("700", fleet.exec(4, "stat", "-c", "%a", "/root/.jplay/agent").trim());
        // The agent exits after the run (a first-run one once its CDS archive is written; nothing waits for that).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!fleet.pgrep(4, "jplay-agent").isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertFalse(fleet.pgrep(4, "jplay-agent").size() > 0, "agent exited after the run");
    }
}
