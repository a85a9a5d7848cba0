package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jplay.engine.vault.VaultFormat;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.TestFleet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A role-based playbook (defaults, vars, handlers, templates, files, meta dependencies, include_tasks with a loop,
 * import_tasks, import_playbook, pre/post tasks, vault-encrypted vars file and !vault value) run on real sshd hosts
 * by {@code jplay apply} and by the real {@code ansible-playbook}: the same files on each host and the same recap.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class RolesFidelityIT {
    private static final String PASSWORD = "fidelity-pw";
    private static final String OUT = "/tmp/roles-fidelity";
    static TestFleet fleet;

    @TempDir
    Path work;

    @BeforeAll
    static void up() {
        fleet = TestFleet.start(RolesFidelityIT.class, 2);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    private void write(String path, String text) throws IOException {
        Path p = work.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text.replace("OUT", OUT));
    }

    private static String vault(String plaintext) {
        return VaultFormat.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), PASSWORD.getBytes(StandardCharsets.UTF_8), null);
    }

    private Path project() throws IOException {
        write("roles/base/defaults/main.yml", "base_dir: OUT\ngreeting: from-base-default\n");
        write("roles/base/tasks/main.yml", "- name: make dir\n  file: {path: \"{{ base_dir }}\", state: directory, mode: \"0755\"}\n");
        write("roles/app/meta/main.yml", "dependencies:\n  - role: base\n");
        write("roles/app/defaults/main.yml", "app_port: 8080\napp_name: default-name\nplay_beats_default: role-default\n");
        write("roles/app/vars/main.yml", "app_user: roleuser\nrole_vars_beat_play: from-role-vars\n");
        write("roles/app/templates/app.conf.j2", "name={{ app_name }} port={{ app_port }} user={{ app_user }}"
                + " play={{ play_beats_default }} rv={{ role_vars_beat_play }} g={{ greeting }} secret={{ db_password }}\n");
        write("roles/app/files/static.txt", "static content\n");
        write("roles/app/tasks/main.yml", """
                - name: config
                  template: {src: app.conf.j2, dest: "{{ base_dir }}/app-{{ app_name }}.conf", mode: "0644"}
                  notify: restart app
                - name: static
                  copy: {src: static.txt, dest: "{{ base_dir }}/static.txt", mode: "0644"}
                - include_tasks: extra.yml
                  loop: [a, b]
                - include_tasks: never.yml
                  when: false
                """);
        write("roles/app/tasks/extra.yml", "- name: extra file\n  copy: {content: \"{{ item }}-{{ app_name }}\\n\", dest: \"{{ base_dir }}/extra-{{ item }}\", mode: \"0644\"}\n");
        write("roles/app/handlers/main.yml", "- name: restart app\n  copy: {content: \"restarted {{ app_name }}\\n\", dest: \"{{ base_dir }}/restarted\", mode: \"0644\"}\n");
        write("secrets.yml", vault("db_password: hunter2-fidelity\n"));
        String inline = "    api_token: !vault |\n" + vault("tok-fidelity-99").lines().map(l -> "      " + l + "\n").reduce("", String::concat);
        write("site.yml", """
                - hosts: fleet
                  gather_facts: false
                  vars_files: [secrets.yml]
                  vars:
                    play_beats_default: from-play
                    role_vars_beat_play: from-play
                INLINE
                  pre_tasks:
                    - name: pre
                      copy: {content: "pre\\n", dest: /tmp/roles-fidelity-pre, mode: "0644"}
                  roles:
                    - app
                    - role: app
                      vars: {app_name: second}
                  tasks:
                    - name: token
                      copy: {content: "{{ api_token }}\\n", dest: "OUT/token", mode: "0600"}
                  post_tasks:
                    - import_tasks: post.yml
                      when: true
                - import_playbook: more/other.yml
                """.replace("INLINE\n", inline));
        write("post.yml", "- name: post\n  copy: {content: \"post\\n\", dest: OUT/post, mode: \"0644\"}\n");
        write("more/other.yml", "- hosts: fleet\n  gather_facts: false\n  tasks:\n    - name: second play\n"
                + "      copy: {content: \"{{ inventory_hostname }}\\n\", dest: OUT/second-play, mode: \"0644\"}\n");
        Path pw = work.resolve("vault-pass");
        Files.writeString(pw, PASSWORD + "\n");
        return work.resolve("site.yml");
    }

    /** Every file the run left on host i: "name:mode:content" lines, sorted. */
    private String filesOn(int i) {
        return fleet.exec(i, "sh", "-c", "cd " + OUT + " && for f in $(ls | sort); do echo \"$f:$(stat -c %a $f):$(cat $f)\"; done;"
                + " cat /tmp/roles-fidelity-pre").strip();
    }

    private void clean() {
        for (int i = 1; i <= 2; i++) fleet.exec(i, "rm", "-rf", OUT, "/tmp/roles-fidelity-pre");
    }

    @Test
    void jplayAndAnsiblePlaybookLeaveTheSameFilesAndRecap() throws Exception {
        Path site = project();
        Path pw = work.resolve("vault-pass");

        clean();
        Path runDir = work.resolve("run");
        int code = Main.execute("apply", site.toString(), "-i", fleet.inventoryYaml().toString(), "--known-hosts",
                fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--vault-password-file", pw.toString());
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(0, code, () -> "failures: " + report.failures());
        List<String> jplayFiles = List.of(filesOn(1), filesOn(2));
        assertTrue(jplayFiles.get(0).contains("app-second.conf:644:name=second port=8080 user=roleuser play=from-play"
                + " rv=from-role-vars g=from-base-default secret=hunter2-fidelity"), jplayFiles.get(0));
        assertTrue(jplayFiles.get(0).contains("token:600:tok-fidelity-99"), jplayFiles.get(0));
        String written = Files.readString(runDir.resolve(ReportFiles.REPORT)) + Files.readString(runDir.resolve(ReportFiles.EVENTS));
        assertFalse(written.contains("hunter2-fidelity") || written.contains("tok-fidelity-99"), "vault values stay out of the run's files");

        assumeTrue(onPath("ansible-playbook"), "ansible-playbook is not installed");
        clean();
        List<String> cmd = List.of("ansible-playbook", "-i", fleet.inventoryIni().toString(), site.toString(),
                "--vault-password-file", pw.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("ANSIBLE_HOST_KEY_CHECKING", "False");
        pb.environment().put("ANSIBLE_NOCOLOR", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "ansible-playbook finished");
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of(filesOn(1), filesOn(2)), jplayFiles, "the same files, modes and contents");

        Map<String, int[]> ansibleRecap = recap(out);
        for (int i = 1; i <= 2; i++) {
            HostRecap r = report.recap().get(fleet.name(i));
            int[] a = ansibleRecap.get(fleet.name(i));
            assertEquals(List.of(a[0], a[1], a[2], a[3]), List.of(r.ok(), r.changed(), r.failed(), r.skipped()),
                    "ok, changed, failed, skipped on " + fleet.name(i) + ":\n" + out);
        }
    }

    private static final Pattern RECAP = Pattern.compile(
            "^(\\S+)\\s+:\\s+ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=\\d+\\s+failed=(\\d+)\\s+skipped=(\\d+)", Pattern.MULTILINE);

    private static Map<String, int[]> recap(String ansibleOutput) {
        Map<String, int[]> out = new LinkedHashMap<>();
        Matcher m = RECAP.matcher(ansibleOutput);
        while (m.find()) {
            out.put(m.group(1), new int[]{Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))});
        }
        return out;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
