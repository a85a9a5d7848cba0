package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Playbook keywords end to end through {@code jplay apply} and the real agent, on three local hosts. */
class PlaybookFeaturesTest {
    @TempDir
    Path dir;
    Path inventory;

    @BeforeEach
    void setUp() throws Exception {
        inventory = dir.resolve("inv.yml");
        Files.writeString(inventory, """
                all:
                  vars: {jplay_connection: local, color: blue}
                  children:
                    web:
                      hosts: {a: {color: red}, b: }
                    db:
                      hosts: {c: }
                """);
    }

    private RunReport apply(String yaml, String... extra) throws Exception {
        Path pb = dir.resolve("pb-" + System.nanoTime() + ".yml");
        Files.writeString(pb, yaml.replace("DIR", dir.toString()));
        Path runDir = dir.resolve("run-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("apply", pb.toString(), "-i", inventory.toString(), "--report-dir", runDir.toString()));
        args.addAll(List.of(extra));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, r.exitCode());
        return r;
    }

    private static List<TaskOutcome> results(RunReport r, String host, String task) {
        return r.results().stream().filter(o -> o.host().equals(host) && o.task().equals(task)).toList();
    }

    @Test
    void variablesFollowPrecedenceAndRegisteredResultsFeedLaterTasks() throws Exception {
        RunReport r = apply("""
                - hosts: all
                  vars: {greeting: hi}
                  tasks:
                    - name: echo
                      command: echo {{ greeting }} {{ color }} {{ inventory_hostname }}
                      register: out
                    - name: fact
                      set_fact: {seen: "{{ out.stdout }}"}
                    - name: show
                      debug: {msg: "{{ seen }}|{{ group_names }}"}
                """, "-e", "greeting=hello");
        assertEquals(0, r.exitCode());
        assertEquals("hello red a|[\"web\"]", results(r, "a", "show").get(0).msg(), "extra vars > play vars; host var > all");
        assertEquals("hello blue c|[\"db\"]", results(r, "c", "show").get(0).msg());
    }

    @Test
    void loopsWhenChangedWhenFailedWhenAndRetries() throws Exception {
        RunReport r = apply("""
                - hosts: a
                  tasks:
                    - name: loop
                      command: echo {{ item }}
                      loop: [x, y, z]
                      when: item != 'y'
                      changed_when: false
                    - name: judged
                      shell: "echo warning >&2; exit 0"
                      register: j
                      failed_when: "'warning' in j.stderr"
                      ignore_errors: true
                    - name: until
                      shell: "n=$(cat DIR/count 2>/dev/null || echo 0); echo $((n+1)) > DIR/count; echo $((n+1))"
                      register: u
                      until: u.stdout == '3'
                      retries: 5
                      delay: 0
                """);
        assertEquals(0, r.exitCode(), () -> String.valueOf(r.failures()));
        List<TaskOutcome> loop = results(r, "a", "loop");
        assertEquals(List.of("ok", "skipped", "ok"), loop.stream().map(TaskOutcome::status).toList());
        TaskOutcome judged = results(r, "a", "judged").get(0);
        assertEquals("failed", judged.status());
        assertTrue(judged.ignored());
        assertEquals("condition", judged.error().step());
        assertEquals("3", Files.readString(dir.resolve("count")).trim(), "retried until the third attempt");
        HostRecap recap = r.recap().get("a");
        assertEquals(1, recap.ignored());
        assertEquals(0, recap.skipped(), "a loop counts once, as Ansible's: ok when an item ran, skipped only if all were");
    }

    @Test
    void loopWithParallelItemsRunsThemAtOnceAndKeepsTheirOrder() throws Exception {
        long start = System.nanoTime();
        RunReport r = apply("""
                - hosts: a
                  gather_facts: false
                  tasks:
                    - name: slow
                      shell: "sleep 1; echo {{ item }}"
                      loop: [a, b, c, d, e, f]
                      loop_control: {parallel: 6}
                      register: out
                    - name: joined
                      debug: {msg: "{{#out.results}}{{stdout}},{{/out.results}}"}
                """);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exitCode(), () -> String.valueOf(r.failures()));
        assertEquals(6, results(r, "a", "slow").size());
        assertEquals("a,b,c,d,e,f,", results(r, "a", "joined").get(0).msg(), "registered results keep the items' order");
        // Six 1 s items one after the other take at least 6 s; at once, about one.
        assertTrue(millis < 5000, "took " + millis + " ms");
    }

    @Test
    void blockRescueAlwaysAndHandlers() throws Exception {
        RunReport r = apply("""
                - hosts: web
                  tasks:
                    - name: guarded
                      block:
                        - name: may fail
                          command: "test {{ inventory_hostname }} != a"
                        - name: after
                          copy: {content: "x", dest: "DIR/after-{{ inventory_hostname }}"}
                          notify: restart
                      rescue:
                        - name: rescue
                          copy: {content: "r", dest: "DIR/rescued-{{ inventory_hostname }}"}
                      always:
                        - name: always
                          command: "true"
                  handlers:
                    - name: restart
                      copy: {content: "h", dest: "DIR/handler-{{ inventory_hostname }}"}
                """);
        assertEquals(0, r.exitCode(), "a was rescued");
        assertTrue(Files.exists(dir.resolve("rescued-a")));
        assertTrue(Files.notExists(dir.resolve("after-a")));
        assertTrue(Files.exists(dir.resolve("after-b")));
        assertTrue(Files.exists(dir.resolve("handler-b")), "b changed and notified");
        assertTrue(Files.notExists(dir.resolve("handler-a")), "a never notified");
        assertEquals(1, r.recap().get("a").rescued());
        assertEquals(0, r.recap().get("a").failed());
        assertEquals(1, results(r, "a", "always").size());
        assertEquals(1, results(r, "b", "always").size());
    }

    @Test
    void tagsLimitAndFreeStrategy() throws Exception {
        String pb = """
                - hosts: all
                  strategy: free
                  tasks:
                    - {name: one, command: "true", tags: [deploy]}
                    - {name: two, command: "true", tags: [config]}
                    - {name: three, command: "true", tags: [always]}
                    - {name: four, command: "true", tags: [never, debug]}
                """;
        RunReport tagged = apply(pb, "--tags", "deploy", "--limit", "web:!b");
        assertEquals(List.of("a"), List.copyOf(tagged.recap().keySet()));
        assertEquals(List.of("Gathering Facts", "one", "three"), tagged.results().stream().map(TaskOutcome::task).toList(),
                "the gathering is tagged always, as in Ansible");
        RunReport skipped = apply(pb, "--skip-tags", "deploy");
        assertEquals(List.of("Gathering Facts", "two", "three"), skipped.results().stream().filter(o -> o.host().equals("c")).map(TaskOutcome::task).toList());
    }

    @Test
    void badInputIsReportedWithFileLineAndColumnBeforeAnyHostIsTouched() throws Exception {
        Path pb = dir.resolve("bad.yml");
        Files.writeString(pb, "- hosts: all\n  tasks:\n    - name: x\n      command: echo {{ nope }}\n    - copy: {content: a, dest: " + dir.resolve("never") + "}\n");
        Path runDir = dir.resolve("run-bad");
        int code = Main.execute("apply", pb.toString(), "-i", inventory.toString(), "--report-dir", runDir.toString());
        assertEquals(ExitCodes.HOST_FAILED, code, "an undefined variable fails the task on each host");
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals("template", r.failures().get(0).step());
        assertTrue(r.failures().get(0).cause().contains("nope"), r.failures().get(0).cause());
        assertTrue(r.failures().get(0).cause().contains("bad.yml:4:"), r.failures().get(0).cause());
        assertTrue(Files.notExists(dir.resolve("never")));

        Files.writeString(pb, "- hosts: all\n  tasks:\n    - command: echo\n      lopp: [1]\n");
        assertEquals(ExitCodes.BAD_INPUT, Main.execute("apply", pb.toString(), "-i", inventory.toString(), "--report-dir", dir.resolve("r2").toString()));
    }
}
