package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jplay.cli.CliRun;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.reports.HtmlReportWriter;
import dev.jplay.reports.JUnitXmlWriter;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's end-to-end story on fresh VMs: a bare fleet (login {@code debian} with sudo, no Java, no runc, no CNI
 * plugins; host 2's sudo wants a password, given as {@code ansible_become_password} in its inventory vars; host 3
 * reachable only through the bastion host 1), then {@code jplay apply playbooks/examples/web-fleet.yml -b} as is.
 * jplay pushes its Java runtime and agent once per host, the preflight installs runc and the CNI plugins with apt,
 * and every instance answers on its own IP with its own name; host 3 the same as the others. A second apply changes
 * nothing and pushes nothing. The sudo password is in no run file and not on the terminal.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class BareWebFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: the hosts reach the registry here
    static final int HOSTS = 3;
    static final int REPLICAS = 12;
    static final String PASSWORD = "bw-" + Long.toString(System.nanoTime(), 36) + "-Kx";
    /** The privileged agent's state (become: root) on a host. */
    static final String HOST_STATE = "/var/lib/jplay";
    /** Where the agent jars live on a host: the login user's and root's. */
    static final String AGENT_JARS = "/home/debian/.jplay/agent /var/lib/jplay/agent";

    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed web;
    static Path work;
    static Path inventory;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        fleet = TestFleet.startBare(BareWebFleetIT.class, HOSTS, "--sudo-password", PASSWORD, "--password-hosts", "2",
                "--bastion-hosts", "3");
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        web = TestImages.pushBusybox(registry, "bare/web:1", "the image's own page\n");
        // The fleet's inventory as is, its group named as the playbook wants it, host 2's sudo password in its vars.
        String yaml = Files.readString(fleet.inventoryYaml());
        String withGroup = yaml.replaceFirst("(?m)^    fleet:$", "    web:");
        String withPassword = withGroup.replaceFirst("(?m)^(        " + fleet.name(2) + ":)$",
                "$1\n          ansible_become_password: " + PASSWORD);
        assertTrue(!withGroup.equals(yaml) && !withPassword.equals(withGroup), yaml);
        inventory = Files.writeString(dir.resolve("hosts.yml"), withPassword);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (fleet != null && web != null) {
                // Scale to zero through the playbook: every container and its network leave every host.
                Applied zero = apply("replicas=0");
                for (int i = 1; i <= HOSTS; i++) {
                    assertEquals(Set.of(), listing(i, "containers"), "no container left on " + fleet.name(i));
                    assertEquals(Set.of(), listing(i, "network/attachments"), "no attachment left on " + fleet.name(i));
                }
                assertEquals(0, zero.cli.exit(), zero.cli.out() + zero.cli.err());
            }
        } finally {
            try {
                if (registry != null) registry.close();
            } finally {
                if (fleet != null) fleet.close();
            }
        }
    }

    @Test
    void freshVmsToServingInstancesThenASecondApplyChangesAndPushesNothing() throws Exception {
        for (int i = 1; i <= HOSTS; i++) {
            assertEquals("absent absent absent", tools(i), fleet.name(i) + " starts without java, runc and CNI plugins");
        }

        long t0 = System.nanoTime();
        Applied first = apply();
        long firstMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[figures] %d bare hosts to %d instances, first apply: %d ms%n", HOSTS, REPLICAS, firstMillis);
        assertEquals(0, first.cli.exit(), first.cli.out() + first.cli.err());
        assertEquals(0, first.report.exitCode());

        // The runtime pushed once to each host, host 3 (behind the bastion) included; the agent jars in place.
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) hosts.add(fleet.name(i));
        assertEquals(hosts, first.pushes.stream().map(e -> e.get("host").asText()).sorted().toList(),
                "one runtime_pushed event per host");
        Map<Integer, String> jars = new TreeMap<>();
        for (int i = 1; i <= HOSTS; i++) {
            assertTrue(first.cli.out().contains("java runtime pushed to " + fleet.name(i) + ": "), first.cli.out());
            jars.put(i, agentJars(i));
            assertEquals(2, jars.get(i).lines().count(), fleet.name(i) + ": the login user's jar and root's: " + jars.get(i));
            // The preflight installed runc and the CNI plugins (the instances join a jplay network).
            assertEquals("present present", tools(i).substring("absent ".length()), fleet.name(i) + " after the first apply");
            assertTrue(java.util.regex.Pattern.compile(fleet.name(i) + ": installed runc [a-z -]+ with apt in [0-9.]+ s \\(host preparation")
                    .matcher(first.events).find(), "preflight on " + fleet.name(i) + ", with its time: " + first.events);
        }

        // Every instance answers on its own IP from its host with its own name; each host has some, host 3 too.
        FleetState placed = new FleetStateStore(work.resolve("state")).load("web").orElseThrow();
        assertEquals(REPLICAS, placed.instances().size());
        assertEquals(REPLICAS, changed(first.report), "every instance created, nothing else reported changed");
        for (int i = 1; i <= HOSTS; i++) {
            String host = fleet.name(i);
            List<FleetState.Instance> mine = placed.instances().stream().filter(x -> x.host().equals(host)).toList();
            assertFalse(mine.isEmpty(), "instances on " + host);
            Map<String, String> expected = new TreeMap<>();
            for (FleetState.Instance x : mine) expected.put(x.ip(), x.name());
            assertEquals(expected, WebFleetIT.httpGetAll(fleet, i, expected.keySet(), true), "pages served on " + host);
            assertEquals(mine.stream().map(FleetState.Instance::name).collect(Collectors.toCollection(TreeSet::new)),
                    listing(i, "containers"), "containers of the privileged agent on " + host);
        }

        // Again: nothing changes, nothing is pushed, no package installed.
        long t1 = System.nanoTime();
        Applied second = apply();
        long secondMillis = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf("[figures] second apply: %d ms%n", secondMillis);
        assertEquals(0, second.cli.exit(), second.cli.out() + second.cli.err());
        assertEquals(0, changed(second.report), "the second apply changes nothing");
        assertEquals(List.of(), second.pushes, "no runtime pushed the second time");
        assertFalse(second.cli.out().contains("java runtime pushed"), second.cli.out());
        assertFalse(second.events.contains("host preparation"), "nothing to install the second time");
        for (int i = 1; i <= HOSTS; i++) {
            assertEquals(jars.get(i), agentJars(i), fleet.name(i) + ": the agent jars were not uploaded again");
        }

        for (Applied run : List.of(first, second)) {
            assertFalse(run.cli.out().contains(PASSWORD) || run.cli.err().contains(PASSWORD), "the password on the terminal");
            for (String name : List.of(ReportFiles.REPORT, "events.jsonl", HtmlReportWriter.FILE, JUnitXmlWriter.FILE, "journal.json")) {
                assertFalse(Files.readString(run.dir.resolve(name), StandardCharsets.UTF_8).contains(PASSWORD),
                        name + " holds the password");
            }
        }
    }

    // ---- running the example ----

    private record Applied(CliRun cli, RunReport report, Path dir, String events, List<JsonNode> pushes) {}

    /** {@code jplay apply playbooks/examples/web-fleet.yml -b} on the fleet, with {@code extraVars} as -e. */
    static Applied apply(String... extraVars) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", WebFleetIT.examplePlaybook().toString(), "-i", inventory.toString(),
                "-b", "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir", work.resolve("state").toString(),
                "-e", "image=" + web.reference(), "-e", "replicas=" + REPLICAS));
        for (String v : extraVars) args.addAll(List.of("-e", v));
        CliRun cli = CliRun.of(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(cli.exit(), report.exitCode(), "exit code and report agree");
        String events = Files.readString(runDir.resolve("events.jsonl"));
        List<JsonNode> pushes = new ArrayList<>();
        for (String line : events.split("\n")) {
            if (line.isBlank()) continue;
            JsonNode e = ReportFiles.json().readTree(line);
            if (e.get("event").asText().equals("runtime_pushed")) pushes.add(e);
        }
        return new Applied(cli, report, runDir, events, pushes);
    }

    /** Changed results, loop items one by one (the recap counts a looped task once per host, as Ansible's does). */
    static int changed(RunReport report) {
        return (int) report.results().stream().filter(TaskOutcome::changed).count();
    }

    // ---- looking at a host ----

    /** "present"/"absent" for java on the PATH, runc, and the CNI bridge plugin. */
    static String tools(int host) {
        return fleet.exec(host, "sh", "-c", "for t in 'command -v java' 'command -v runc' '[ -x /usr/lib/cni/bridge ]'; do"
                + " if sh -c \"$t\" >/dev/null 2>&1; then printf 'present '; else printf 'absent '; fi; done").trim();
    }

    /** The agent jars on host {@code host}: path, inode and modification time of each. */
    static String agentJars(int host) {
        return fleet.exec(host, "sh", "-c", "find " + AGENT_JARS + " -name '*.jar' -exec stat -c '%n %i %Y' {} + | sort").strip();
    }

    /** Names of the entries of the privileged agent's {@code HOST_STATE/sub} on host i ({@code .json} dropped). */
    static Set<String> listing(int host, String sub) {
        return WebFleetIT.listing(fleet, HOST_STATE, host, sub);
    }
}
