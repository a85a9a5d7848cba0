package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * The arguments real playbooks use that jplay once refused, on a bare host (a fresh Debian with sudo and dpkg/apt):
 * {@code apt} {@code deb} (a .deb on the host, and one from a URL), {@code upgrade: dist}, {@code autoremove};
 * {@code user} {@code password}/{@code update_password} (the hash in no output); {@code lineinfile} {@code validate}
 * with visudo. Packages are .debs this test builds with dpkg-deb, served from a flat file repository on the host.
 * Each in --check first (predicted, nothing done), then applied, then applied again (ok).
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ModuleArgsFleetIT {
    static final String BRIDGE = "10.213.0.1"; // the fleet's bridge: bare hosts reach this test's HTTP server here
    static final String HASH1 = "$6$jplayit1$" + "A".repeat(86);
    static final String HASH2 = "$6$jplayit2$" + "B".repeat(86);
    static TestFleet fleet;
    static HttpServer http;
    static byte[] toolDeb;

    @TempDir
    static Path work;

    @BeforeAll
    static void up() throws Exception {
        fleet = TestFleet.startBare(ModuleArgsFleetIT.class, 1);
        Path repo = Files.createDirectories(work.resolve("files/repo"));
        deb(repo, "jplay-demo-lib", "1.0", null);
        deb(repo, "jplay-demo", "1.1", "jplay-demo-lib");
        deb(repo, "jplay-app-lib", "1.0", null);
        deb(repo, "jplay-app", "1.0", "jplay-app-lib");
        Path old = Files.createDirectories(work.resolve("files/old"));
        deb(old, "jplay-demo", "1.0", "jplay-demo-lib");
        toolDeb = Files.readAllBytes(deb(Files.createDirectories(work.resolve("served")), "jplay-tool", "2.0", null));
        Process scan = new ProcessBuilder("dpkg-scanpackages", "--multiversion", ".").directory(repo.toFile())
                .redirectOutput(repo.resolve("Packages").toFile()).redirectError(work.resolve("scan.err").toFile()).start();
        assertTrue(scan.waitFor(1, TimeUnit.MINUTES) && scan.exitValue() == 0, Files.readString(work.resolve("scan.err")));
        http = HttpServer.create(new InetSocketAddress(BRIDGE, 0), 0);
        http.createContext("/jplay-tool_2.0_all.deb", x -> {
            x.sendResponseHeaders(200, toolDeb.length);
            x.getResponseBody().write(toolDeb);
            x.close();
        });
        http.start();
    }

    @AfterAll
    static void down() {
        if (http != null) http.stop(0);
        if (fleet != null) fleet.close();
    }

    /** A minimal package built with dpkg-deb, like what a team publishes for its own tools. */
    static Path deb(Path dir, String name, String version, String depends) throws Exception {
        Path root = Files.createDirectories(work.resolve("build/" + name + "-" + version));
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.createDirectories(root.resolve("usr/share/" + name));
        Files.writeString(root.resolve("usr/share/" + name + "/VERSION"), version + "\n");
        Files.writeString(root.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: " + version
                + "\nArchitecture: all\nMaintainer: jplay <jplay@example.invalid>\n"
                + (depends == null ? "" : "Depends: " + depends + "\n") + "Description: jplay test package\n");
        Path out = dir.resolve(name + "_" + version + "_all.deb");
        Process p = new ProcessBuilder("dpkg-deb", "--root-owner-group", "--build", root.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("deb.log").toFile()).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(work.resolve("deb.log")));
        return out;
    }

    static final String PACKAGES = """
            - hosts: fleet
              become: true
              gather_facts: false
              tasks:
                - name: the repository's directory
                  file: {path: /srv/jplay-repo, state: directory}
                - name: the repository's files
                  copy: {src: "repo/{{ item }}", dest: "/srv/jplay-repo/{{ item }}"}
                  loop: [Packages, jplay-demo-lib_1.0_all.deb, jplay-demo_1.1_all.deb, jplay-app-lib_1.0_all.deb,
                         jplay-app_1.0_all.deb]
                - name: an old build on the host
                  copy: {src: old/jplay-demo_1.0_all.deb, dest: /srv/jplay-demo_1.0_all.deb}
                - name: the repository
                  copy:
                    dest: /etc/apt/sources.list.d/jplay.list
                    content: "deb [trusted=yes] file:/srv/jplay-repo ./\\n"
                - name: a local deb and its dependency
                  apt:
                    deb: /srv/jplay-demo_1.0_all.deb
                    update_cache: true
                - name: a deb from a URL
                  apt:
                    deb: "%s/jplay-tool_2.0_all.deb"
                - name: app from the repository
                  apt: {name: jplay-app}
            """;

    static final String UPGRADE = """
            - hosts: fleet
              become: true
              gather_facts: false
              tasks:
                - name: dist upgrade
                  apt: {upgrade: dist}
            """;

    static final String AUTOREMOVE = """
            - hosts: fleet
              become: true
              gather_facts: false
              tasks:
                - name: app removed
                  apt: {name: jplay-app, state: absent}
                - name: unused dependencies removed
                  apt: {autoremove: yes}
            """;

    @Test
    void aptDebUpgradeAndAutoremoveAsAnsible() throws Exception {
        Path packages = Files.writeString(work.resolve("packages.yml"),
                PACKAGES.formatted("http://" + BRIDGE + ":" + http.getAddress().getPort()));
        Map<String, String> first = statuses(apply(packages, "packages-1"));
        assertEquals("changed", first.get("a local deb and its dependency"), first.toString());
        assertEquals("changed", first.get("a deb from a URL"), first.toString());
        assertEquals("jplay-app 1.0 ii|jplay-app-lib 1.0 ii|jplay-demo 1.0 ii|jplay-demo-lib 1.0 ii|jplay-tool 2.0 ii", installed());
        assertEquals("manual", fleet.exec(1, "sh", "-c", "apt-mark showauto | grep -qx jplay-demo-lib && echo auto || echo manual").strip(),
                "the dependency came from the repository, marked manual as Ansible's apt leaves it (it installs it by name)");
        Map<String, String> again = statuses(apply(packages, "packages-2"));
        assertEquals("ok", again.get("a local deb and its dependency"), again.toString());
        assertEquals("ok", again.get("a deb from a URL"), again.toString());

        Path upgrade = Files.writeString(work.resolve("upgrade.yml"), UPGRADE);
        RunReport predicted = apply(upgrade, "upgrade-check", "--check", "--diff");
        TaskOutcome plan = predicted.results().get(0);
        assertEquals("changed", plan.status());
        assertTrue(plan.msg().contains("upgrade jplay-demo 1.0 -> 1.1"), plan.msg());
        assertEquals("jplay-app 1.0 ii|jplay-app-lib 1.0 ii|jplay-demo 1.0 ii|jplay-demo-lib 1.0 ii|jplay-tool 2.0 ii", installed(), "check mode upgrades nothing");
        assertEquals("changed", apply(upgrade, "upgrade").results().get(0).status());
        assertEquals("jplay-app 1.0 ii|jplay-app-lib 1.0 ii|jplay-demo 1.1 ii|jplay-demo-lib 1.0 ii|jplay-tool 2.0 ii", installed());
        assertEquals("ok", apply(upgrade, "upgrade-again").results().get(0).status());

        Path autoremove = Files.writeString(work.resolve("autoremove.yml"), AUTOREMOVE);
        Map<String, String> checked = statuses(apply(autoremove, "autoremove-check", "--check"));
        assertEquals(Map.of("app removed", "changed", "unused dependencies removed", "ok"), checked,
                "in check mode nothing is removed, so nothing is unused yet");
        Map<String, String> removed = statuses(apply(autoremove, "autoremove"));
        assertEquals(Map.of("app removed", "changed", "unused dependencies removed", "changed"), removed);
        assertEquals("jplay-demo 1.1 ii|jplay-demo-lib 1.0 ii|jplay-tool 2.0 ii", installed(),
                "jplay-app-lib (automatic) went with autoremove; jplay-demo-lib (manual, from the deb) stayed");
        Map<String, String> none = statuses(apply(autoremove, "autoremove-again"));
        assertEquals(Map.of("app removed", "ok", "unused dependencies removed", "ok"), none);
    }

    static final String USERS = """
            - hosts: fleet
              become: true
              gather_facts: false
              tasks:
                - name: alice
                  user: {name: alice, password: "%s", update_password: "%s", shell: /bin/sh}
            """;

    @Test
    void aUserPasswordIsSetComparedAndNeverShown() throws Exception {
        Path users = work.resolve("users.yml");
        Files.writeString(users, USERS.formatted(HASH1, "always"));
        Map<String, Path> runs = new LinkedHashMap<>();
        assertEquals("changed", status(apply(users, "user-check", "--check", "--diff"), runs, "user-check"));
        assertEquals("", fleet.exec(1, "sh", "-c", "getent passwd alice || true").strip(), "check mode adds no user");
        assertEquals("changed", status(apply(users, "user-1", "--diff"), runs, "user-1"));
        assertEquals(HASH1, shadow());
        assertEquals("ok", status(apply(users, "user-2"), runs, "user-2"));

        Files.writeString(users, USERS.formatted(HASH2, "on_create"));
        assertEquals("ok", status(apply(users, "user-on-create"), runs, "user-on-create"));
        assertEquals(HASH1, shadow(), "on_create leaves an existing user's password");
        Files.writeString(users, USERS.formatted(HASH2, "always"));
        assertEquals("changed", status(apply(users, "user-check-2", "--check", "--diff"), runs, "user-check-2"));
        assertEquals(HASH1, shadow());
        assertEquals("changed", status(apply(users, "user-3", "--diff"), runs, "user-3"));
        assertEquals(HASH2, shadow());

        for (Map.Entry<String, Path> run : runs.entrySet()) {
            try (Stream<Path> files = Files.list(run.getValue())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(f);
                    assertFalse(text.contains("jplayit1") || text.contains("jplayit2"), run.getKey() + ": the hash in " + f);
                }
            }
            String out = Files.readString(run.getValue().resolve("cli.out"));
            assertFalse(out.contains("jplayit1") || out.contains("jplayit2"), run.getKey() + ": the hash on the terminal: " + out);
        }
    }

    static final String SUDOERS = """
            - hosts: fleet
              become: true
              gather_facts: false
              tasks:
                - name: a sudoers rule
                  lineinfile:
                    path: /etc/sudoers.d/jplay-it
                    create: true
                    mode: "0440"
                    line: "%s"
                    regexp: "^Defaults:debian"
                    validate: "visudo -cf %%s"
            """;

    @Test
    void lineinfileValidateKeepsABrokenSudoersRuleOut() throws Exception {
        Path sudoers = work.resolve("sudoers.yml");
        Files.writeString(sudoers, SUDOERS.formatted("Defaults:debian !lecture"));
        assertEquals("changed", apply(sudoers, "sudoers-1").results().get(0).status());
        assertEquals("Defaults:debian !lecture\n", fleet.exec(1, "cat", "/etc/sudoers.d/jplay-it"));
        assertEquals("ok", apply(sudoers, "sudoers-2").results().get(0).status());

        Files.writeString(sudoers, SUDOERS.formatted("Defaults:debian ALL=(ALL"));
        RunReport refused = applyFailing(sudoers, "sudoers-broken");
        TaskOutcome o = refused.results().get(0);
        assertEquals("failed", o.status());
        assertEquals("VALIDATE_FAILED", o.error().code(), o.error().toString());
        assertTrue(o.error().cause().contains("visudo -cf /etc/sudoers.d/"), o.error().cause());
        assertEquals("Defaults:debian !lecture\n", fleet.exec(1, "cat", "/etc/sudoers.d/jplay-it"), "left as it was");
        assertEquals("jplay-it", fleet.exec(1, "ls", "-A", "/etc/sudoers.d/").lines().filter(l -> l.startsWith("jplay") || l.startsWith("."))
                .reduce("", (a, b) -> a + b), "no temp file left behind");
        assertEquals("root", fleet.exec(1, "sudo", "-u", "debian", "sudo", "-n", "whoami").strip(), "sudo still works");
    }

    private String installed() {
        return String.join("|", fleet.exec(1, "sh", "-c",
                "dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n' 'jplay-*' 2>/dev/null | grep ' ii' || true")
                .strip().lines().map(String::strip).sorted().toList());
    }

    private String shadow() {
        return fleet.exec(1, "sh", "-c", "getent shadow alice | cut -d: -f2").strip();
    }

    private static String status(RunReport r, Map<String, Path> runs, String name) {
        runs.put(name, work.resolve(name));
        return r.results().get(0).status();
    }

    private RunReport apply(Path playbook, String name, String... extra) throws Exception {
        CliRun run = run(playbook, name, extra);
        RunReport r = ReportFiles.read(work.resolve(name).resolve(ReportFiles.REPORT));
        assertEquals(0, run.exit(), run.out() + run.err());
        return r;
    }

    private RunReport applyFailing(Path playbook, String name) throws Exception {
        CliRun run = run(playbook, name);
        assertTrue(run.exit() != 0, run.out());
        return ReportFiles.read(work.resolve(name).resolve(ReportFiles.REPORT));
    }

    private CliRun run(Path playbook, String name, String... extra) throws Exception {
        Path runDir = work.resolve(name);
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString()));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("cli.out"), run.out() + run.err(), StandardCharsets.UTF_8);
        return run;
    }

    private static Map<String, String> statuses(RunReport r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (TaskOutcome o : r.results()) {
            out.merge(o.task(), o.status() + (o.error() == null ? "" : " " + o.error().code() + ": " + o.error().cause()),
                    (a, b) -> a.equals(b) ? a : a + "|" + b);
        }
        return out;
    }
}
