package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The everyday Ansible modules as a group, on a bare host (a fresh Debian with sudo, apt from the fleet's local
 * repository, no systemd: {@code service} runs its /etc/init.d script): one playbook, first under
 * {@code --check} (reports changes, changes nothing), then applied (changes), then applied again (changed=0).
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class EverydayModulesFleetIT {
    static final String BRIDGE = "10.213.0.1"; // the fleet's bridge: bare hosts reach this test's HTTP server here
    static final byte[] TOOL = "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8);
    static TestFleet fleet;
    static HttpServer http;

    @TempDir
    Path work;

    @BeforeAll
    static void up() throws Exception {
        fleet = TestFleet.startBare(EverydayModulesFleetIT.class, 1);
        http = HttpServer.create(new InetSocketAddress(BRIDGE, 0), 0);
        http.createContext("/tool.sh", x -> {
            x.sendResponseHeaders(200, TOOL.length);
            x.getResponseBody().write(TOOL);
            x.close();
        });
        http.createContext("/health", x -> {
            byte[] ok = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, ok.length);
            x.getResponseBody().write(ok);
            x.close();
        });
        http.start();
    }

    @AfterAll
    static void down() {
        if (http != null) http.stop(0);
        if (fleet != null) fleet.close();
    }

    @Test
    void aPausePromptWithoutATerminalFailsNamingIt() throws Exception {
        Path playbook = Files.writeString(work.resolve("prompt.yml"), """
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - name: ask
                      pause:
                        prompt: Continue?
                """);
        Path runDir = work.resolve("prompt");
        CliRun run = CliRun.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(), "--known-hosts",
                fleet.knownHosts().toString(), "--report-dir", runDir.toString());
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertTrue(run.exit() != 0, run.out());
        assertEquals("PAUSE_NO_TERMINAL", r.results().get(0).error().code(), r.results().toString());
    }

    private static byte[] siteArchive() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new java.util.zip.GZIPOutputStream(bytes))) {
            byte[] page = "<h1>site</h1>\n".getBytes(StandardCharsets.UTF_8);
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("site/index.html");
            e.setSize(page.length);
            e.setMode(0644);
            tar.putArchiveEntry(e);
            tar.write(page);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    static final String PLAYBOOK = """
            - hosts: fleet
              become: true
              gather_facts: false
              tasks:
                - name: a line
                  lineinfile:
                    path: /etc/jplay-demo/app.conf
                    create: true
                    line: "port=8080"
                    regexp: "^port="
                    mode: "0640"
                - name: a line before it
                  lineinfile:
                    path: /etc/jplay-demo/app.conf
                    line: "# demo"
                    insertbefore: BOF
                    create: true
                - name: a block
                  blockinfile:
                    path: /etc/jplay-demo/app.conf
                    create: true
                    marker: "# {mark} backends"
                    block: |
                      backend=10.0.0.1
                      backend=10.0.0.2
                - name: a package from the local repository
                  apt:
                    name: [attr]
                    update_cache: true
                    cache_valid_time: 3600
                - name: the same through package
                  package:
                    name: attr
                    state: present
                - name: the newest version
                  apt:
                    name: attr
                    state: latest
                - name: an init script
                  copy:
                    dest: /etc/init.d/jplay-demo
                    mode: "0755"
                    content: |
                      #!/bin/sh
                      PID=/run/jplay-demo.pid
                      case "$1" in
                        start) setsid sleep 3600 </dev/null >/dev/null 2>&1 & echo $! > $PID ;;
                        stop) [ -f $PID ] && kill "$(cat $PID)"; rm -f $PID ;;
                        restart|reload) "$0" stop; "$0" start ;;
                        status) [ -f $PID ] && kill -0 "$(cat $PID)" 2>/dev/null ;;
                        *) exit 3 ;;
                      esac
                - name: the service
                  service:
                    name: jplay-demo
                    state: started
                - name: a group
                  group:
                    name: demo
                    gid: 4321
                - name: a user
                  user:
                    name: demo
                    uid: 4321
                    group: demo
                    groups: [adm]
                    shell: /bin/sh
                - name: an archive from the controller
                  unarchive:
                    src: site.tar.gz
                    dest: /etc/jplay-demo
                - name: a download
                  get_url:
                    url: "%1$s/tool.sh"
                    dest: /etc/jplay-demo/tool.sh
                    checksum: "sha256:%2$s"
                    mode: "0755"
                - name: a status check
                  uri:
                    url: "%1$s/health"
                    status_code: [200, 204]
                    return_content: true
                - name: a short pause
                  pause:
                    seconds: 1
            """;

    @Test
    void checkChangesNothingThenApplyThenASecondApplyChangesNothing() throws Exception {
        Path playbook = Files.writeString(work.resolve("everyday.yml"), PLAYBOOK.formatted(
                "http://" + BRIDGE + ":" + http.getAddress().getPort(), sha256(TOOL)));
        Files.createDirectories(work.resolve("files"));
        Files.write(work.resolve("files/site.tar.gz"), siteArchive());

        RunReport check = apply(playbook, "check", "--check", "--diff");
        Map<String, String> checked = statuses(check);
        assertEquals("changed", checked.get("a line"), checked.toString());
        assertEquals("changed", checked.get("a package from the local repository"), checked.toString());
        assertEquals("absent", fleet.exec(1, "sh", "-c", "[ -e /etc/jplay-demo/app.conf ] && echo present || echo absent").trim());
        assertEquals("absent", fleet.exec(1, "sh", "-c", "command -v setfattr || echo absent").trim());

        RunReport first = apply(playbook, "first");
        Map<String, String> s1 = statuses(first);
        assertEquals(0, first.exitCode(), s1.toString());
        for (String task : List.of("a line", "a line before it", "a block", "a package from the local repository",
                "an init script", "the service", "a group", "a user", "an archive from the controller", "a download")) {
            assertEquals("changed", s1.get(task), task + ": " + s1);
        }
        assertEquals("ok", s1.get("the same through package"), s1.toString());
        assertEquals("ok", s1.get("the newest version"), "the repository has no newer attr: " + s1);
        assertEquals("# demo\nport=8080\n# BEGIN backends\nbackend=10.0.0.1\nbackend=10.0.0.2\n# END backends\n",
                fleet.exec(1, "cat", "/etc/jplay-demo/app.conf"));
        assertEquals("640", fleet.exec(1, "stat", "-c", "%a", "/etc/jplay-demo/app.conf").trim());
        assertTrue(fleet.exec(1, "sh", "-c", "command -v setfattr || echo absent").trim().endsWith("/setfattr"));
        assertEquals("running", fleet.exec(1, "sh", "-c", "/etc/init.d/jplay-demo status && echo running || echo stopped").trim());
        assertEquals("demo:x:4321:4321::/home/demo:/bin/sh", fleet.exec(1, "getent", "passwd", "demo").trim());
        assertTrue(fleet.exec(1, "id", "-Gn", "demo").contains("adm"));
        assertEquals("<h1>site</h1>\n", fleet.exec(1, "cat", "/etc/jplay-demo/site/index.html"));
        assertEquals("755 tool", fleet.exec(1, "sh", "-c", "stat -c %a /etc/jplay-demo/tool.sh; /etc/jplay-demo/tool.sh")
                .trim().replace("\n", " "));
        assertEquals("ok", s1.get("a status check"));

        RunReport second = apply(playbook, "second");
        assertEquals(0, second.exitCode());
        assertEquals(0, second.recap().get(fleet.name(1)).changed(), "idempotent: " + statuses(second));
    }

    private RunReport apply(Path playbook, String name, String... extra) throws Exception {
        Path runDir = work.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("apply", playbook.toString(), "-i",
                fleet.inventoryYaml().toString(), "--known-hosts", fleet.knownHosts().toString(),
                "--report-dir", runDir.toString()));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(0, run.exit(), run.out() + run.err());
        return r;
    }

    private static Map<String, String> statuses(RunReport r) {
        return r.results().stream().collect(Collectors.toMap(TaskOutcome::task, o -> o.status()
                + (o.error() == null ? "" : " " + o.error().code() + ": " + o.error().cause()), (a, b) -> a + "|" + b));
    }
}
