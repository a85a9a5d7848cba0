package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.vault.VaultFormat;
import dev.jplay.engine.vault.VaultSecrets;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles, includes, handler flushes, vault and the listing options end to end through {@code jplay apply}, on local hosts. */
class OrganisingFeaturesTest {
    @TempDir
    Path dir;
    Path inventory;

    @BeforeEach
    void setUp() throws Exception {
        inventory = dir.resolve("inv.yml");
        Files.writeString(inventory, "all:\n  vars: {jplay_connection: local}\n  hosts: {a: , b: }\n");
    }

    @AfterEach
    void uninstall() {
        VaultSecrets.install(VaultSecrets.NONE);
    }

    private void write(String path, String text) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text.replace("DIR", dir.toString()));
    }

    private RunReport apply(String playbook, String... extra) throws Exception {
        Path runDir = dir.resolve("run-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("apply", dir.resolve(playbook).toString(), "-i", inventory.toString(),
                "--report-dir", runDir.toString()));
        args.addAll(List.of(extra));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, r.exitCode());
        return r;
    }

    private static List<String> tasks(RunReport r, String host) {
        return r.results().stream().filter(o -> o.host().equals(host)).map(o -> o.task() + "=" + o.status()).toList();
    }

    private static TaskOutcome result(RunReport r, String host, String task) {
        return r.results().stream().filter(o -> o.host().equals(host) && o.task().equals(task)).findFirst().orElseThrow();
    }

    @Test
    void rolesIncludesAndHandlersRunInAnsiblesOrder() throws Exception {
        write("roles/web/defaults/main.yml", "port: 80\nwho: default\n");
        write("roles/web/vars/main.yml", "kind: role-vars\n");
        write("roles/web/tasks/main.yml", """
                - name: conf
                  template: {src: web.j2, dest: "DIR/out-{{ inventory_hostname }}.conf"}
                  notify: reload web
                - include_tasks: each.yml
                  loop: [x, y]
                  loop_control: {loop_var: part}
                - include_role: {name: helper}
                  vars: {helper_arg: from-include}
                """);
        write("roles/web/tasks/each.yml", "- name: each\n  debug: {msg: \"{{ part }}-{{ port }}\"}\n");
        write("roles/web/templates/web.j2", "port={{ port }} who={{ who }} kind={{ kind }}\n");
        write("roles/web/handlers/main.yml", "- name: reload web\n  debug: {msg: reloaded}\n");
        write("roles/helper/tasks/main.yml", "- name: help\n  debug: {msg: \"{{ helper_arg }} {{ helper_default }}\"}\n");
        write("roles/helper/defaults/main.yml", "helper_default: hd\n");
        write("site.yml", """
                - hosts: all
                  vars: {who: play}
                  pre_tasks:
                    - name: pre
                      command: "true"
                      notify: pre handler
                  roles:
                    - role: web
                      port: 8080
                  post_tasks:
                    - name: post
                      debug: {msg: "{{ port }}"}
                  handlers:
                    - name: pre handler
                      debug: {msg: pre-handled}
                """);
        RunReport r = apply("site.yml");
        assertEquals(0, r.exitCode(), () -> "failures: " + r.failures());
        assertEquals(List.of("Gathering Facts=ok", "pre=changed", "pre handler=ok", "web : conf=changed", "web : include_tasks: each.yml=ok",
                "web : include_tasks: each.yml=ok", "web : each=ok", "web : each=ok", "web : include_role=ok",
                "helper : help=ok", "web : reload web=ok", "post=ok"), tasks(r, "a"),
                "pre_tasks' handlers flush before the roles, the roles' after the tasks, before post_tasks");
        assertEquals("port=8080 who=play kind=role-vars\n", Files.readString(dir.resolve("out-a.conf")),
                "role params > play vars > role defaults; role vars");
        assertEquals("from-include hd", result(r, "b", "helper : help").msg());
        assertEquals("80", result(r, "a", "post").msg(), "a play role's defaults are seen by the whole play");
    }

    @Test
    void aPublicIncludeRoleShowsItsDefaultsAndVarsToTheTasksAfterIt() throws Exception {
        write("roles/priv/defaults/main.yml", "priv_default: pd\n");
        write("roles/priv/tasks/main.yml", "- name: in priv\n  debug: {msg: \"{{ priv_default }}\"}\n");
        write("roles/pub/defaults/main.yml", "pub_default: d1\nshared: from-pub-defaults\n");
        write("roles/pub/vars/main.yml", "pub_var: v1\n");
        write("roles/pub/meta/main.yml", "dependencies: [dep]\n");
        write("roles/dep/defaults/main.yml", "dep_default: dd\n");
        write("roles/pub/tasks/main.yml", "- name: in pub\n  debug: {msg: \"{{ pub_var }}\"}\n");
        write("roles/imp/defaults/main.yml", "imp_default: i1\n");
        write("roles/imp/tasks/main.yml", "- name: in imp\n  debug: {msg: \"{{ imp_default }}\"}\n");
        write("site.yml", """
                - hosts: all
                  gather_facts: false
                  vars: {shared: from-play}
                  tasks:
                    - name: before
                      debug: {msg: "{{ pub_var | default('unset') }} {{ imp_default }}"}
                    - include_role: {name: priv}
                    - name: after private
                      debug: {msg: "{{ priv_default | default('unset') }}"}
                    - include_role: {name: pub, public: true}
                    - name: after public
                      debug: {msg: "{{ pub_var }} {{ pub_default }} {{ dep_default }} {{ shared }}"}
                    - import_role: {name: imp}
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: next play
                      debug: {msg: "{{ pub_var | default('unset') }}"}
                """);
        RunReport r = apply("site.yml");
        assertEquals(0, r.exitCode(), () -> "failures: " + r.failures());
        assertEquals("unset i1", result(r, "a", "before").msg(), "import_role's defaults reach even earlier tasks; a public include's do not");
        assertEquals("unset", result(r, "a", "after private").msg(), "include_role keeps its vars to itself by default");
        assertEquals("v1 d1 dd from-play", result(r, "b", "after public").msg(),
                "role vars and defaults (its dependencies' too) after a public include; play vars still over role defaults");
        assertEquals("unset", result(r, "a", "next play").msg(), "for the rest of that play only");
    }

    @Test
    void vaultedVarsDecryptAndStayOutOfTheRunsFiles() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "pw-123\n");
        write("secret.yml", VaultFormat.encrypt("db_pass: very-secret-1\n".getBytes(StandardCharsets.UTF_8),
                "pw-123".getBytes(StandardCharsets.UTF_8), null));
        write("vars/more.yml", VaultFormat.encrypt("api_key: also-secret-2\n".getBytes(StandardCharsets.UTF_8),
                "pw-123".getBytes(StandardCharsets.UTF_8), "prod"));
        write("site.yml", "- hosts: a\n  vars_files: [secret.yml]\n  tasks:\n    - include_vars: more.yml\n"
                + "    - name: show\n      debug: {msg: \"pass={{ db_pass }} key={{ api_key }}\"}\n");
        RunReport r = apply("site.yml", "--vault-id", "prod@" + pw);
        assertEquals(0, r.exitCode(), () -> "failures: " + r.failures());
        assertEquals("pass=******** key=********", result(r, "a", "show").msg(),
                "masked in report.json (the terminal prints it, as Ansible)");
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "nope\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute("apply", dir.resolve("site.yml").toString(), "-i", inventory.toString(), "--vault-password-file", wrong.toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(ExitCodes.BAD_INPUT, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains(dir.resolve("secret.yml") + ":1:1: no vault password given opens it"), message);
        assertFalse(message.contains("nope"), "never the password");
    }

    @Test
    void listTasksListHostsAndSyntaxCheckRunNothing() throws Exception {
        write("site.yml", "- hosts: all\n  tags: [t]\n  tasks:\n    - name: one\n      command: touch DIR/ran\n      tags: x\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute("apply", dir.resolve("site.yml").toString(), "-i", inventory.toString(), "--list-tasks", "--list-hosts"));
            assertEquals(0, Main.execute("apply", dir.resolve("site.yml").toString(), "-i", inventory.toString(), "--syntax-check"));
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("  play #1 (all): all\tTAGS: [t]\n    tasks:\n      one\tTAGS: [t, x]\n"), text);
        assertTrue(text.contains("    pattern: ['all']\n    hosts (2):\n      a\n      b\n"), text);
        assertFalse(Files.exists(dir.resolve("ran")));
        write("bad.yml", "- hosts: all\n  roles: [missing]\n");
        assertEquals(ExitCodes.BAD_INPUT, Main.execute("apply", dir.resolve("bad.yml").toString(), "-i", inventory.toString(), "--syntax-check"));
    }

    /** What ansible-playbook 2.14 printed for the same playbook and options (checked by hand against it). */
    @Test
    void listTasksShowsWhatTagsAndSkipTagsSelectWithEveryTagATaskHas() throws Exception {
        write("roles/r1/tasks/main.yml", "- name: in role\n  command: /bin/true\n  tags: [inner]\n");
        write("site.yml", """
                - hosts: all
                  name: first
                  tags: [play]
                  roles:
                    - {role: r1, tags: [rt]}
                  tasks:
                    - {name: a, command: /bin/true, tags: [x]}
                    - {name: b, command: /bin/true}
                    - {name: c, command: /bin/true, tags: [always]}
                    - {name: d, command: /bin/true, tags: [never, dbg]}
                    - block:
                        - {name: e, command: /bin/true}
                      tags: [blk]
                """);
        String head = "  play #1 (all): first\tTAGS: [play]\n    tasks:\n";
        assertEquals(head + "      r1 : in role\tTAGS: [inner, play, rt]\n      a\tTAGS: [play, x]\n      b\tTAGS: [play]\n"
                + "      c\tTAGS: [always, play]\n      e\tTAGS: [blk, play]\n", listTasks(), "no Gathering Facts, no never-tagged task");
        assertEquals(head + "      a\tTAGS: [play, x]\n      c\tTAGS: [always, play]\n", listTasks("--tags", "x"));
        assertEquals(head + "      r1 : in role\tTAGS: [inner, play, rt]\n      a\tTAGS: [play, x]\n      b\tTAGS: [play]\n"
                + "      e\tTAGS: [blk, play]\n", listTasks("--skip-tags", "always"));
        assertEquals(head + "      c\tTAGS: [always, play]\n      d\tTAGS: [dbg, never, play]\n", listTasks("--tags", "dbg"));
        assertEquals(head + "      c\tTAGS: [always, play]\n      e\tTAGS: [blk, play]\n", listTasks("--tags", "blk,x", "--skip-tags", "x"));
    }

    private String listTasks(String... options) {
        List<String> args = new ArrayList<>(List.of("apply", dir.resolve("site.yml").toString(), "-i", inventory.toString(), "--list-tasks"));
        args.addAll(List.of(options));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute(args.toArray(String[]::new)));
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        String prefix = "\nplaybook: " + dir.resolve("site.yml") + "\n\n";
        assertTrue(text.startsWith(prefix), text);
        return text.substring(prefix.length());
    }
}
