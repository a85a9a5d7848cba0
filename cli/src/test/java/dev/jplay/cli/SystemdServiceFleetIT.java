package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service}, {@code systemd} and {@code systemd_service} on hosts that boot through a real systemd 252 (fleet.sh's
 * systemd profile), each playbook run by {@code jplay apply} on host 1 and by {@code ansible-playbook} on host 2, then
 * compared task by task (ok/changed/failed) and by what systemd says afterwards (active, enabled, masked, what the
 * unit's own commands logged). A unit file from a template with a handler that restarts it (daemon_reload first),
 * started/enabled/masked, a second run (changed=0), a check+diff run (changes predicted, nothing done), then reloaded,
 * restarted, stopped/disabled/unmasked, and the failures: an unknown unit and a unit file systemd refuses.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class SystemdServiceFleetIT {
    static final String LOG = "/var/log/jplay-demo.log";
    static TestFleet fleet;

    @TempDir
    static Path work;

    @BeforeAll
    static void up() {
        fleet = TestFleet.startSystemd(SystemdServiceFleetIT.class, 2);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    static final String UNIT_TEMPLATE = """
            [Unit]
            Description=jplay demo
            [Service]
            Environment=VERSION={{ version }}
            ExecStart=/bin/sh -c 'echo "start $$VERSION" >> %1$s; exec sleep infinity'
            ExecReload=/bin/sh -c 'echo "reload $$VERSION" >> %1$s'
            [Install]
            WantedBy=multi-user.target
            """.formatted(LOG);

    static final String CONVERGE = """
            - hosts: fleet
              become: true
              gather_facts: false
              tasks:
                - name: unit file
                  template:
                    src: demo.service.j2
                    dest: /etc/systemd/system/jplay-demo.service
                  notify: restart demo
                - name: demo started and enabled
                  systemd:
                    name: jplay-demo
                    state: started
                    enabled: true
                    daemon_reload: true
                - name: other masked
                  systemd_service:
                    name: jplay-other.service
                    masked: true
                - name: ssh as it is
                  service:
                    name: ssh
                    state: started
                    enabled: yes
              handlers:
                - name: restart demo
                  systemd:
                    name: jplay-demo
                    state: restarted
                    daemon_reload: true
            """;

    static final String ACTIONS = """
            - hosts: fleet
              become: true
              gather_facts: false
              tasks:
                - name: reloaded
                  service: {name: jplay-demo, state: reloaded}
                - name: restarted
                  systemd: {name: jplay-demo.service, state: restarted}
                - name: stopped and disabled
                  systemd: {name: jplay-demo, state: stopped, enabled: false}
                - name: unmasked
                  systemd: {name: jplay-other.service, masked: false}
                - name: stopped again
                  service: {name: jplay-demo, state: stopped}
            """;

    @Test
    void convergesActsAndFailsAsAnsiblePlaybookDoesOnTheSameKindOfHost() throws Exception {
        assertEquals("running", fleet.exec(1, "systemctl", "is-system-running").strip(), "the host runs systemd as its init");
        Files.createDirectories(work.resolve("templates"));
        Files.writeString(work.resolve("templates/demo.service.j2"), UNIT_TEMPLATE);
        Path converge = Files.writeString(work.resolve("converge.yml"), CONVERGE);

        // check + diff on a fresh host: every change predicted (the unit does not exist yet: an earlier task would
        // install it), nothing done.
        RunReport check = jplay(converge, "check", "-e", "version=1", "--check", "--diff");
        assertEquals(Map.of("unit file", "changed", "demo started and enabled", "changed", "other masked", "changed",
                "ssh as it is", "ok", "restart demo", "changed"), statuses(check));
        assertEquals(List.of("absent", "inactive", ""), List.of(
                fleet.exec(1, "sh", "-c", "[ -e /etc/systemd/system/jplay-demo.service ] && echo present || echo absent").strip(),
                state(1, "is-active", "jplay-demo"), state(1, "is-enabled", "jplay-other.service")));
        TaskOutcome unitDiff = outcome(check, "unit file");
        assertTrue(String.valueOf(unitDiff.diff()).contains("Environment=VERSION=1"), String.valueOf(unitDiff.diff()));

        // The first apply: the unit installed, started, enabled; the handler restarts it; the other unit masked.
        compare(converge, "first", "-e", "version=1");
        assertEquals(List.of("active", "enabled", "masked", "start 1\nstart 1"), hostState(1));
        RunReport second = compare(converge, "second", "-e", "version=1");
        assertEquals(0, second.recap().get(fleet.name(1)).changed(), "idempotent: " + statuses(second));

        // A new version in --check --diff: the template and its handler predicted, the host untouched.
        RunReport predicted = compare(converge, "check-v2", "-e", "version=2", "--check", "--diff");
        assertEquals("changed", statuses(predicted).get("restart demo"), statuses(predicted).toString());
        assertTrue(fleet.exec(1, "cat", "/etc/systemd/system/jplay-demo.service").contains("VERSION=1"));
        assertEquals(List.of("active", "enabled", "masked", "start 1\nstart 1"), hostState(1));
        // Applied: the handler reloads systemd's view of the file before restarting, so the service runs version 2.
        compare(converge, "apply-v2", "-e", "version=2");
        assertEquals(List.of("active", "enabled", "masked", "start 1\nstart 1\nstart 2"), hostState(1));

        Path actions = Files.writeString(work.resolve("actions.yml"), ACTIONS);
        RunReport acted = compare(actions, "actions");
        assertEquals(Map.of("reloaded", "changed", "restarted", "changed", "stopped and disabled", "changed",
                "unmasked", "changed", "stopped again", "ok"), statuses(acted));
        assertEquals(List.of("inactive", "disabled", "", "start 1\nstart 1\nstart 2\nreload 2\nstart 2"), hostState(1));
    }

    @Test
    void anUnknownUnitAndAUnitSystemdRefusesFailLocatedWithWhatSystemdSaid() throws Exception {
        Path playbook = Files.writeString(work.resolve("unknown.yml"), """
                - hosts: fleet
                  become: true
                  gather_facts: false
                  tasks:
                    - name: no such unit
                      systemd:
                        name: jplay-nosuch
                        state: started
                """);
        RunReport r = compare(playbook, "unknown");
        FailureInfo e = outcome(r, "no such unit").error();
        assertEquals(List.of(fleet.name(1), "no such unit", "exec", "SERVICE_NOT_FOUND"),
                List.of(e.host(), e.task(), e.step(), e.code()), e.toString());
        assertTrue(e.location().endsWith("unknown.yml:5:7"), e.location());
        assertTrue(e.cause().contains("Unit jplay-nosuch.service not found."), e.cause());

        Path broken = Files.writeString(work.resolve("broken.yml"), """
                - hosts: fleet
                  become: true
                  gather_facts: false
                  tasks:
                    - name: a unit without ExecStart
                      copy:
                        dest: /etc/systemd/system/jplay-broken.service
                        content: "[Service]\\nType=simple\\n"
                    - name: start it
                      systemd:
                        name: jplay-broken
                        state: started
                        daemon_reload: true
                """);
        RunReport b = compare(broken, "broken");
        FailureInfo be = outcome(b, "start it").error();
        assertEquals("SERVICE_UNIT_INVALID", be.code(), be.toString());
        assertTrue(be.cause().contains("jplay-broken.service") && be.cause().contains("bad-setting"), be.cause());
    }

    /**
     * is-active and is-enabled of the demo unit, is-enabled of the masked one (empty when it is neither masked nor
     * installed), and what the demo unit logged.
     */
    private static List<String> hostState(int i) {
        return List.of(state(i, "is-active", "jplay-demo"), state(i, "is-enabled", "jplay-demo"),
                state(i, "is-enabled", "jplay-other.service"), fleet.exec(i, "sh", "-c", "cat " + LOG + " 2>/dev/null || true").strip());
    }

    private static String state(int i, String verb, String unit) {
        return fleet.exec(i, "sh", "-c", "systemctl " + verb + " " + unit + " 2>/dev/null || true").strip();
    }

    /**
     * Runs {@code playbook} with jplay on host 1 and ansible-playbook on host 2; asserts the same status per task and the
     * same systemd state afterwards. Returns jplay's report.
     */
    private static RunReport compare(Path playbook, String name, String... extra) throws Exception {
        RunReport mine = jplay(playbook, name, extra);
        Map<String, String> ansible = ansible(playbook, extra);
        assertEquals(ansible, statuses(mine), name + ": jplay's statuses (left: ansible-playbook's)");
        assertEquals(hostState(2), hostState(1), name + ": the host's state after jplay (ansible-playbook's on host 2)");
        return mine;
    }

    private static RunReport jplay(Path playbook, String name, String... extra) throws Exception {
        Path runDir = work.resolve("run-" + name);
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "-l", fleet.name(1)));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        boolean failed = r.results().stream().anyMatch(o -> o.status().equals("failed"));
        assertEquals(failed, run.exit() != 0, run.out() + run.err());
        return r;
    }

    /** ansible-playbook on host 2 (json callback): each task's status there, handlers included. */
    private static Map<String, String> ansible(Path playbook, String... extra) throws Exception {
        assumeTrue(onPath("ansible-playbook"), "ansible-playbook is not installed");
        List<String> cmd = new ArrayList<>(List.of("ansible-playbook", "-i", fleet.inventoryIni().toString(),
                playbook.toString(), "-l", fleet.name(2)));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.redirectError(work.resolve("ansible.err").toFile());
        pb.environment().put("ANSIBLE_STDOUT_CALLBACK", "json");
        pb.environment().put("ANSIBLE_NOCOLOR", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "ansible-playbook finished");
        JsonNode json = new ObjectMapper().readTree(out);
        Map<String, String> statuses = new LinkedHashMap<>();
        for (JsonNode play : json.path("plays")) {
            for (JsonNode task : play.path("tasks")) {
                JsonNode h = task.path("hosts").path(fleet.name(2));
                if (h.isMissingNode()) continue;
                statuses.put(task.path("task").path("name").asText(), h.path("failed").asBoolean() ? "failed"
                        : h.path("skipped").asBoolean() ? "skipped" : h.path("changed").asBoolean() ? "changed" : "ok");
            }
        }
        return statuses;
    }

    private static TaskOutcome outcome(RunReport r, String task) {
        return r.results().stream().filter(o -> o.task().equals(task)).findFirst().orElseThrow(() -> new AssertionError(
                "no outcome for " + task + " in " + statuses(r)));
    }

    private static Map<String, String> statuses(RunReport r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (TaskOutcome o : r.results()) out.put(o.task(), o.status());
        return out;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
