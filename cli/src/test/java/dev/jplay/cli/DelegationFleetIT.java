package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * delegate_to, run_once, local_action and connection: local on real sshd hosts: hosts 1-3 are the play's, host 4
 * is the delegate (a load balancer). Each host has a private /tmp, so a file there shows where a task really ran;
 * the controller's effects land in this test's temp dir, which no fleet host has.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class DelegationFleetIT {
    static TestFleet fleet;

    @TempDir
    Path work;

    @BeforeAll
    static void up() {
        fleet = TestFleet.start(DelegationFleetIT.class, 4);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    private String targets() {
        return fleet.name(1) + ":" + fleet.name(2) + ":" + fleet.name(3);
    }

    private CliRun apply(Path runDir, String yaml) throws Exception {
        Path playbook = work.resolve("site.yml");
        Files.writeString(playbook, yaml.replace("TARGETS", targets()).replace("LB", fleet.name(4)).replace("CTRL", work.toString()));
        return CliRun.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--connect-timeout", "5");
    }

    /** Lines of a file on host i, or none when it does not exist. */
    private List<String> linesOn(int i, String path) {
        String out = fleet.exec(i, "sh", "-c", "cat " + path + " 2>/dev/null || true");
        return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }

    @Test
    void delegatedTasksRunOnTheDelegateOnlyWithTheTargetsVars() throws Exception {
        Path runDir = work.resolve("run");
        CliRun run = apply(runDir, """
                - hosts: TARGETS
                  gather_facts: false
                  tasks:
                    - name: drain on the balancer
                      shell: echo {{ inventory_hostname }} >> /tmp/drained
                      delegate_to: LB
                    - name: marker
                      command: touch /tmp/marker-{{ inventory_hostname }}
                      delegate_to: "{{ groups.fleet[3] }}"
                    - name: which agent
                      shell: echo $PPID
                      delegate_to: LB
                      register: agent
                    - name: registered on the target
                      copy: {content: "{{ agent.stdout }}", dest: /tmp/agent-seen}
                """);
        assertEquals(0, run.exit(), run.out() + run.err());
        List<String> drained = linesOn(4, "/tmp/drained");
        assertEquals(Set.of(fleet.name(1), fleet.name(2), fleet.name(3)), new HashSet<>(drained), "one line per target, on the delegate");
        assertEquals(3, drained.size());
        String markers = fleet.exec(4, "sh", "-c", "ls /tmp | grep '^marker-' || true");
        assertEquals(Set.of("marker-" + fleet.name(1), "marker-" + fleet.name(2), "marker-" + fleet.name(3)),
                Set.of(markers.strip().split("\n")));
        Set<String> agents = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            assertEquals(List.of(), linesOn(i, "/tmp/drained"), "nothing ran on target " + i);
            assertEquals("", fleet.exec(i, "sh", "-c", "ls /tmp | grep '^marker-' || true").strip());
            agents.add(fleet.exec(i, "cat", "/tmp/agent-seen").strip()); // the registered result is the target's
        }
        assertEquals(1, agents.size(), "three targets' delegated calls share the delegate's one agent: " + agents);

        assertTrue(run.out().contains("changed: [" + fleet.name(2) + " -> " + fleet.name(4) + "]"), run.out());
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        List<TaskOutcome> drains = report.results().stream().filter(o -> o.task().equals("drain on the balancer")).toList();
        assertEquals(3, drains.size());
        for (TaskOutcome o : drains) assertEquals(fleet.name(4), o.delegatedTo(), o.host());
        TaskOutcome copy = report.results().stream().filter(o -> o.task().equals("registered on the target")).findFirst().orElseThrow();
        assertNull(copy.delegatedTo(), "an undelegated task runs on its host");
    }

    @Test
    void runOnceRunsOncePerBatchAndItsResultIsEveryHosts() throws Exception {
        Path controllerLog = work.resolve("once-local.txt");
        CliRun run = apply(work.resolve("run"), """
                - hosts: TARGETS
                  gather_facts: false
                  tasks:
                    - name: migrate
                      shell: echo {{ inventory_hostname }} >> /tmp/once; hostname
                      run_once: true
                      register: migrated
                    - copy: {content: "{{ migrated.stdout }}", dest: /tmp/migrated-seen}
                    - name: once on the balancer, looped
                      shell: echo {{ item }}-{{ inventory_hostname }} >> /tmp/once-loop
                      loop: [a, b]
                      delegate_to: LB
                      run_once: true
                    - set_fact: {leader: "{{ inventory_hostname }}"}
                      run_once: true
                    - copy: {content: "{{ leader }}", dest: /tmp/leader}
                - hosts: TARGETS
                  gather_facts: false
                  serial: 2
                  tasks:
                    - local_action: shell echo {{ inventory_hostname }} >> CTRL/once-local.txt
                      run_once: true
                """);
        assertEquals(0, run.exit(), run.out() + run.err());
        assertEquals(List.of(fleet.name(1)), linesOn(1, "/tmp/once"), "run on the batch's first host");
        assertEquals(List.of(), linesOn(2, "/tmp/once"));
        assertEquals(List.of(), linesOn(3, "/tmp/once"));
        for (int i = 1; i <= 3; i++) {
            // registered result and set_fact fact applied to every host of the batch
            assertEquals(fleet.exec(1, "hostname").strip(), fleet.exec(i, "cat", "/tmp/migrated-seen").strip());
            assertEquals(fleet.name(1), fleet.exec(i, "cat", "/tmp/leader").strip());
        }
        assertEquals(List.of("a-" + fleet.name(1), "b-" + fleet.name(1)), linesOn(4, "/tmp/once-loop"));
        // serial: 2 makes two batches, so two runs: the first host of each
        assertEquals(List.of(fleet.name(1), fleet.name(3)), Files.readAllLines(controllerLog));
    }

    @Test
    void runOnceFailureFailsTheWholeBatchSayingWhereItRan() throws Exception {
        Path runDir = work.resolve("run");
        CliRun run = apply(runDir, """
                - hosts: TARGETS
                  gather_facts: false
                  tasks:
                    - shell: exit 3
                      run_once: true
                    - command: touch /tmp/after-failed-once
                """);
        assertEquals(ExitCodes.HOST_FAILED, run.exit(), run.out() + run.err());
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        for (int i = 1; i <= 3; i++) {
            assertEquals(1, report.recap().get(fleet.name(i)).failed(), fleet.name(i));
            assertEquals(List.of(), linesOn(i, "/tmp/after-failed-once"));
        }
        TaskOutcome other = report.results().stream().filter(o -> o.host().equals(fleet.name(2))).findFirst().orElseThrow();
        assertEquals("run_once", other.error().step());
        assertEquals("RUN_ONCE_FAILED", other.error().code());
        assertTrue(other.error().cause().contains("failed on " + fleet.name(1)), other.error().cause());
    }

    @Test
    void connectionLocalAndLocalActionRunOnTheController() throws Exception {
        CliRun run = apply(work.resolve("run"), """
                - hosts: TARGETS
                  gather_facts: false
                  connection: local
                  tasks:
                    - shell: echo $PPID > CTRL/conn-{{ inventory_hostname }}
                - hosts: TARGETS
                  gather_facts: false
                  tasks:
                    - local_action: copy content={{ inventory_hostname }} dest=CTRL/la-{{ inventory_hostname }}
                    - local_action:
                        module: command
                        cmd: touch CTRL/lad-{{ inventory_hostname }}
                    - command: touch /tmp/remote-{{ inventory_hostname }}
                      connection: ssh
                """);
        assertEquals(0, run.exit(), run.out() + run.err());
        Set<String> agents = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            String name = fleet.name(i);
            agents.add(Files.readString(work.resolve("conn-" + name)).strip());
            assertEquals(name, Files.readString(work.resolve("la-" + name)));
            assertTrue(Files.exists(work.resolve("lad-" + name)));
            assertEquals("/tmp/remote-" + name, fleet.exec(i, "sh", "-c", "ls /tmp/remote-*").strip());
        }
        assertEquals(1, agents.size(), "one controller agent for every local task: " + agents);
        assertTrue(run.out().contains("[" + fleet.name(1) + " -> localhost]"), run.out());
    }

    @Test
    void anUnreachableDelegateFailsItsTargetsNamingTheDelegate() throws Exception {
        Path runDir = work.resolve("run");
        CliRun run = apply(runDir, """
                - hosts: TARGETS
                  gather_facts: false
                  tasks:
                    - command: touch /tmp/never
                      delegate_to: UNUSED
                """.replace("UNUSED", fleet.unusedAddress()));
        assertEquals(ExitCodes.HOST_UNREACHABLE, run.exit(), run.out() + run.err());
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        List<String> causes = report.results().stream().map(o -> o.delegatedTo() + " " + o.error().step() + " " + o.error().cause())
                .collect(Collectors.toCollection(ArrayList::new));
        assertEquals(3, causes.size(), causes::toString);
        for (String c : causes) assertTrue(c.startsWith(fleet.unusedAddress() + " connect ") && c.contains(fleet.unusedAddress()), c);
        for (int i = 1; i <= 3; i++) assertEquals(List.of(), linesOn(i, "/tmp/never"));
    }
}
