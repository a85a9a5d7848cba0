package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fidelity suite: the role-based playbooks of {@code src/test/resources/fidelity} (roles with defaults, vars,
 * handlers and meta dependencies, include_tasks with a loop and vars, facts in conditions and templates, filters,
 * apt from a local repository, systemd units started and enabled, lineinfile/blockinfile with handlers, vault) run
 * by the real {@code ansible-playbook} on hosts 1 and 2 and by {@code jplay apply} on hosts 3 and 4 of one systemd
 * fleet (identical hosts: the same root filesystem, the same setup). Each playbook runs twice on each side. After
 * each run the two sides must show the same PLAY RECAP per host (ok, changed, unreachable, failed, skipped, rescued,
 * ignored) and the same per-task statuses; after the first run the same files (path, mode, owner, type, content),
 * packages and service states ({@code systemctl is-active/is-enabled}); the second run changes nothing on either side.
 * Host names and addresses of hosts 3 and 4 read as those of 1 and 2 when compared. See docs/fidelity.md.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlaybookFidelityIT {
    static final String BRIDGE = "10.213.0.1"; // the fleet's bridge: hosts reach this test's apt repository here
    static TestFleet fleet;
    static HttpServer repo;
    static Path project;
    static Path scratch;

    @TempDir
    Path work;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(onPath("ansible-playbook"), "ansible-playbook is not installed");
        scratch = Files.createTempDirectory("jplay-fidelity-");
        project = copyProject(scratch.resolve("project"));
        // First: the fleet makes the bridge the repository serves on, and the bare profile's cache it takes python3-apt from.
        fleet = TestFleet.startSystemd(PlaybookFidelityIT.class, 4);
        Path debs = FidelityAptRepo.build(scratch.resolve("repo"));
        repo = HttpServer.create(new InetSocketAddress(BRIDGE, 0), 0);
        repo.createContext("/", x -> {
            Path f = debs.resolve(x.getRequestURI().getPath().substring(1)).normalize();
            if (!f.startsWith(debs) || !Files.isRegularFile(f)) {
                x.sendResponseHeaders(404, -1);
            } else {
                x.sendResponseHeaders(200, Files.size(f));
                try (OutputStream o = x.getResponseBody(); InputStream in = Files.newInputStream(f)) {
                    in.transferTo(o);
                }
            }
            x.close();
        });
        repo.start();
        String source = "deb [trusted=yes] http://" + BRIDGE + ":" + repo.getAddress().getPort() + "/ ./";
        for (int i = 1; i <= 4; i++) {
            // What every host has before the playbooks: the repository, python3-apt (Ansible's apt module needs it)
            // and an old package the packages playbook removes. Package lists are dropped again, as on a fresh VM.
            fleet.exec(i, "sh", "-c", "echo '" + source + "' >/etc/apt/sources.list.d/fidelity.list"
                    + " && apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq install -y python3-apt fidelity-legacy"
                    + " >/dev/null && rm -rf /var/lib/apt/lists/* && mkdir -p /var/lib/apt/lists/partial && touch -d '2 days ago' /var/lib/apt/lists");
        }
    }

    @AfterAll
    static void down() throws IOException {
        if (repo != null) repo.stop(0);
        if (fleet != null) fleet.close();
        if (scratch != null) {
            try (Stream<Path> s = Files.walk(scratch)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void packagesFromTheRepositoryAndTheirDaemon() throws Exception {
        compare("packages.yml", Probe.packages("fidelity-daemon", "fidelity-tool", "fidelity-legacy")
                + Probe.files("/etc/fidelity-daemon.conf", "/etc/default/fidelity-daemon", "/usr/bin/fidelity-tool",
                        "/usr/share/fidelity-legacy")
                + Probe.services("fidelity-daemon"));
    }

    @Test
    @Order(2)
    void aWebApplicationDeployedByRoles() throws Exception {
        compare("site.yml", Probe.files("/etc/motd", "/srv/webapp", "/etc/systemd/system/shop.service")
                + Probe.packages("fidelity-tool") + Probe.services("shop")
                + "python3 -c \"import urllib.request as u; print(u.urlopen('http://127.0.0.1:8081/').read().decode())\""
                + " 2>/dev/null || echo 'nothing on 8081'\n");
    }

    @Test
    @Order(3)
    void configurationEditsAndIncludesWithALoop() throws Exception {
        compare("config.yml", Probe.files("/etc/fidelity", "/srv/sites"));
    }

    @Test
    @Order(4)
    void vaultEncryptedSecrets() throws Exception {
        compare("vault.yml", Probe.files("/etc/fidelity/credentials"));
    }

    @Test
    @Order(5)
    void factsInConditionsLoopsAndTemplates() throws Exception {
        compare("facts.yml", Probe.files("/var/lib/fidelity-report"));
    }

    /** Runs the playbook twice on each side; after each run compares recaps and task statuses, after the first the probe. */
    private void compare(String playbook, String probe) throws Exception {
        Path ansibleInventory = inventory("ansible.ini", 1, 2);
        Path jplayInventory = inventory("jplay.ini", 3, 4);
        for (int run = 1; run <= 2; run++) {
            String ansible = ansiblePlaybook(playbook, ansibleInventory);
            Jplay jplay = jplay(playbook, jplayInventory, "run" + run);
            String both = "\n--- ansible-playbook:\n" + ansible + "\n--- jplay:\n" + jplay.output;

            assertEquals(ansibleTasks(ansible), normalize(jplayTasks(jplay.report)),
                    playbook + " run " + run + ": the same task statuses, in order" + both);
            Map<String, List<Integer>> ansibleRecap = ansibleRecap(ansible);
            for (int i = 1; i <= 2; i++) {
                HostRecap r = jplay.report.recap().get(fleet.name(i + 2));
                List<Integer> j = r == null ? null : List.of(r.ok(), r.changed(), r.unreachable(), r.failed(),
                        r.skipped(), r.rescued(), r.ignored()); // null: the host is in no play, as site.yml's db host
                assertEquals(ansibleRecap.get(fleet.name(i)), j, playbook + " run " + run + ": recap of host " + i
                        + " (ok, changed, unreachable, failed, skipped, rescued, ignored)" + both);
                if (run == 2 && j != null) assertEquals(0, j.get(1), playbook + ": the second run changes nothing" + both);
            }
            if (run == 1) {
                for (int i = 1; i <= 2; i++) {
                    String a = fleet.exec(i, "sh", "-c", probe);
                    String b = normalize(fleet.exec(i + 2, "sh", "-c", probe));
                    assertEquals(a, b, playbook + ": what host " + i + " (ansible-playbook) and host " + (i + 2)
                            + " (jplay) show");
                }
            }
        }
    }

    /** An inventory of two hosts of the fleet: the first in group web, the second in group db. */
    private Path inventory(String name, int web, int db) throws IOException {
        List<String> lines = Files.readAllLines(fleet.inventoryIni());
        StringBuilder out = new StringBuilder();
        out.append("[web]\n").append(hostLine(lines, web)).append("\n[db]\n").append(hostLine(lines, db));
        out.append("\n[fleet:children]\nweb\ndb\n\n");
        boolean vars = false;
        for (String line : lines) {
            if (line.equals("[fleet:vars]")) vars = true;
            if (vars) out.append(line).append('\n');
        }
        return Files.writeString(work.resolve(name), out.toString());
    }

    private static String hostLine(List<String> lines, int i) {
        return lines.stream().filter(l -> l.startsWith(fleet.name(i) + " ")).findFirst().orElseThrow();
    }

    private String ansiblePlaybook(String playbook, Path inventory) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("ansible-playbook", "-i", inventory.toString(), playbook,
                "--vault-password-file", "vault-pass.txt").directory(project.toFile()).redirectErrorStream(true);
        pb.environment().put("ANSIBLE_NOCOLOR", "1");
        pb.environment().put("ANSIBLE_RETRY_FILES_ENABLED", "0");
        pb.environment().put("ANSIBLE_LOCAL_TEMP", Files.createDirectories(work.resolve("ansible-tmp")).toString());
        Path log = Files.createTempFile(work, "ansible", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("ansible-playbook " + playbook + " did not finish in 10 minutes");
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), "ansible-playbook " + playbook + ":\n" + out);
        return out;
    }

    private record Jplay(RunReport report, String output) {}

    private Jplay jplay(String playbook, Path inventory, String name) throws Exception {
        Path runDir = work.resolve(name);
        CliRun run = CliRun.of("apply", project.resolve(playbook).toString(), "-i", inventory.toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(),
                "--vault-password-file", project.resolve("vault-pass.txt").toString());
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(0, run.exit(), "jplay apply " + playbook + ":\n" + run.out() + run.err());
        return new Jplay(report, run.out() + run.err());
    }

    /** Host names and addresses of the jplay side (3, 4) as those of the ansible side (1, 2). */
    private static String normalize(String text) {
        return text.replace(fleet.name(3), fleet.name(1)).replace(fleet.name(4), fleet.name(2))
                .replace(fleet.address(3) + "", fleet.address(1)).replace(fleet.address(4), fleet.address(2));
    }

    private static final Pattern TASK = Pattern.compile("^(?:TASK|RUNNING HANDLER) \\[(.*)\\] \\*+$");
    private static final Pattern INCLUDED = Pattern.compile("^included: \\S+ for ([^=]+?)(?: =>|$)");
    private static final Pattern STATUS = Pattern.compile("^(ok|changed|skipping|failed|fatal): \\[([^\\]]+)\\]( => \\(item=.*)?");

    /**
     * "host task: status" lines in the order each host ran them, from ansible-playbook's output (loop items are
     * folded into their task, as jplay's report keeps one outcome per task and host for the recap).
     */
    private static String ansibleTasks(String out) {
        Map<String, List<String[]>> byHost = new LinkedHashMap<>();
        Map<String, String[]> current = new LinkedHashMap<>(); // host -> its entry for the task being read
        String task = null;
        for (String line : out.split("\n")) {
            Matcher t = TASK.matcher(line);
            if (t.matches()) {
                task = t.group(1);
                current.clear();
                continue;
            }
            Matcher inc = INCLUDED.matcher(line);
            if (task != null && inc.lookingAt()) { // one ok per host and item, as the recap counts them
                for (String h : inc.group(1).split(", ")) {
                    byHost.computeIfAbsent(h, k -> new ArrayList<>()).add(new String[]{task, "ok"});
                }
                continue;
            }
            Matcher s = STATUS.matcher(line);
            if (task == null || !s.lookingAt()) continue;
            String status = switch (s.group(1)) {
                case "skipping" -> "skipped";
                case "fatal" -> "failed";
                default -> s.group(1);
            };
            String[] entry = current.get(s.group(2));
            if (entry == null) {
                entry = new String[]{task, status};
                current.put(s.group(2), entry);
                byHost.computeIfAbsent(s.group(2), h -> new ArrayList<>()).add(entry);
            } else {
                entry[1] = worse(entry[1], status); // a loop's items fold into one status, as the recap counts them
            }
        }
        List<String> all = new ArrayList<>();
        byHost.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> e.getValue().forEach(v -> all.add(e.getKey() + " " + v[0] + ": " + v[1])));
        return String.join("\n", all);
    }

    private static final List<String> BY_WEIGHT = List.of("skipped", "ok", "changed", "failed");

    private static String worse(String a, String b) {
        return BY_WEIGHT.indexOf(a) >= BY_WEIGHT.indexOf(b) ? a : b;
    }

    /** The same lines from jplay's report, a loop's items folded into one status (a looped include's are not). */
    private static String jplayTasks(RunReport report) {
        Map<String, List<String[]>> byHost = new LinkedHashMap<>();
        Map<String, TaskOutcome> previous = new LinkedHashMap<>();
        for (TaskOutcome o : report.results()) {
            List<String[]> lines = byHost.computeIfAbsent(o.host(), h -> new ArrayList<>());
            TaskOutcome before = previous.put(o.host(), o);
            boolean sameLoop = before != null && o.item() != null && before.item() != null && before.task().equals(o.task())
                    && !o.module().startsWith("include_");
            if (sameLoop) {
                String[] last = lines.get(lines.size() - 1);
                last[1] = worse(last[1], o.status());
            } else {
                lines.add(new String[]{o.task(), o.status()});
            }
        }
        List<String> all = new ArrayList<>();
        byHost.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> e.getValue().forEach(v -> all.add(e.getKey() + " " + v[0] + ": " + v[1])));
        return String.join("\n", all);
    }

    private static final Pattern RECAP = Pattern.compile("^(\\S+)\\s+:\\s+ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)"
            + "\\s+failed=(\\d+)\\s+skipped=(\\d+)\\s+rescued=(\\d+)\\s+ignored=(\\d+)", Pattern.MULTILINE);

    private static Map<String, List<Integer>> ansibleRecap(String out) {
        Map<String, List<Integer>> recap = new LinkedHashMap<>();
        Matcher m = RECAP.matcher(out);
        while (m.find()) {
            List<Integer> counts = new ArrayList<>();
            for (int g = 2; g <= 8; g++) counts.add(Integer.parseInt(m.group(g)));
            recap.put(m.group(1), counts);
        }
        return recap;
    }

    /** The fidelity project (playbooks, roles, vault password file) copied out of the test resources. */
    private static Path copyProject(Path to) throws IOException, URISyntaxException {
        Path from = Path.of(PlaybookFidelityIT.class.getResource("/fidelity").toURI());
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        // ansible-vault reads a password file that is executable as a script: keep it a plain file.
        to.resolve("vault-pass.txt").toFile().setExecutable(false);
        return to;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /** Shell lines that print what a run left on a host, the same way on both sides. */
    static final class Probe {
        /** Each path (directories: everything under them, sorted): type, mode, owner, and a regular file's content. */
        static String files(String... paths) {
            return "for p in " + String.join(" ", paths) + "; do\n"
                    + "  if [ -e \"$p\" ]; then find \"$p\" | sort | while read -r f; do\n"
                    + "    stat -c '%n %a %U:%G %F' \"$f\"; [ -f \"$f\" ] && sed 's/^/  | /' \"$f\"\n"
                    + "  done; else echo \"$p absent\"; fi\n"
                    + "done\n";
        }

        static String services(String... units) {
            return "for u in " + String.join(" ", units) + "; do\n"
                    + "  echo \"$u $(systemctl is-active \"$u\") $(systemctl is-enabled \"$u\" 2>&1)\"\n"
                    + "done\n";
        }

        static String packages(String... names) {
            return "for n in " + String.join(" ", names) + "; do\n"
                    + "  dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\\n' \"$n\" 2>/dev/null || echo \"$n not installed\"\n"
                    + "done\n";
        }
    }
}
