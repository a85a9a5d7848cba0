package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jplay setup} and the preparation before a first container task, on bare hosts (no runc, no CNI plugins,
 * no setfattr) that install from the fleet's local apt repository: without become it names the packages, with
 * {@code --check} it lists them and installs nothing, with {@code -b} it installs them (NOPASSWD and password
 * sudo), and a second run installs nothing. A container task with become on a fresh host gets the host prepared
 * first and runs a busybox container, with its state under /var/lib/jplay.
 *
 * <p>Hosts 1 and 2 are set up by one test, host 3 by the container test, host 4 stays fresh (tests that install
 * nothing). The hosts have no Java: jplay pushes its runtime, which the privileged agent (root) runs on too.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class HostSetupFleetIT {
    static final String BRIDGE = "10.213.0.1"; // the fleet's bridge: bare hosts reach the registry here
    static final String PASSWORD = "setup-" + Long.toString(System.nanoTime(), 36);
    static TestFleet fleet;
    static RegistryServer registry;
    static Path dir;

    @TempDir
    Path work;

    @BeforeAll
    static void up(@TempDir Path d) throws Exception {
        dir = d;
        fleet = TestFleet.startBare(HostSetupFleetIT.class, 4, "--sudo-password", PASSWORD, "--password-hosts", "2");
        registry = RegistryServer.start(d.resolve("registry"), BRIDGE);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (registry != null) registry.close();
        } finally {
            if (fleet != null) fleet.close();
        }
    }

    @Test
    void withoutBecomeSetupFailsNamingThePackages() throws Exception {
        RunReport r = setup(4, ExitCodes.HOST_FAILED);
        TaskOutcome o = r.results().get(0);
        assertEquals("SETUP_NEEDS_ROOT", o.error().code(), o.toString());
        assertEquals("setup", o.error().step());
        assertTrue(o.error().cause().contains("apt-get install -y -q --no-install-recommends runc attr iptables containernetworking-plugins"),
                o.error().cause());
        assertTrue(o.error().cause().contains("become"), o.error().cause());
        assertEquals("absent", runc(4));
    }

    @Test
    void checkListsThePackagesAndInstallsNothing() throws Exception {
        RunReport r = setup(4, ExitCodes.OK, "-b", "--check");
        TaskOutcome o = r.results().get(0);
        assertEquals("changed", o.status(), o.toString());
        assertTrue(o.msg().startsWith("would install runc attr iptables containernetworking-plugins with apt"), o.msg());
        assertEquals("absent", runc(4));
    }

    @Test
    void setupInstallsWithSudoAndASecondRunInstallsNothing() throws Exception {
        RunReport first = setup(0, ExitCodes.OK, "-b", "-e", "ansible_become_password=" + PASSWORD, "-l",
                fleet.name(1) + "," + fleet.name(2));
        for (int i : new int[] {1, 2}) {
            TaskOutcome o = outcome(first, i);
            assertEquals("changed", o.status(), o.toString());
            assertTrue(o.msg().startsWith("installed runc attr iptables containernetworking-plugins with apt"), o.msg());
            assertTrue(runc(i).endsWith("/runc"), fleet.name(i) + ": " + runc(i));
            assertEquals("present", fleet.exec(i, "sh", "-c", "[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/static ]"
                    + " && command -v setfattr >/dev/null && echo present || echo absent").trim());
        }
        RunReport second = setup(0, ExitCodes.OK, "-b", "-e", "ansible_become_password=" + PASSWORD, "-l",
                fleet.name(1) + "," + fleet.name(2));
        for (int i : new int[] {1, 2}) {
            TaskOutcome o = outcome(second, i);
            assertEquals("ok", o.status(), "idempotent: " + o);
            assertEquals("nothing to install", o.msg());
        }
    }

    @Test
    void aContainerTaskWithBecomePreparesAFreshHostAndRunsWithStateInVarLibJplay() throws Exception {
        TestImages.Pushed image = TestImages.pushBusybox(registry, "setup/web:1", "prepared\n");
        Path playbook = Files.writeString(work.resolve("web.yml"), """
                - hosts: fleet
                  gather_facts: false
                  become: true
                  tasks:
                    - name: web
                      container:
                        name: web
                        image: %s
                        insecure: true
                        network_mode: host
                        stop_timeout: 2
                """.formatted(image.reference()));
        Path runDir = work.resolve("container-run");
        CliRun run = CliRun.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(), "-l", fleet.name(3),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(),
                "--state-dir", work.resolve("state").toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        RunReport r = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals("changed", outcome(r, 3).status());
        assertTrue(runc(3).endsWith("/runc"), "prepared before the container task: " + runc(3));
        String events = Files.readString(runDir.resolve("events.jsonl"));
        assertTrue(events.contains("installed runc attr with apt"), events);
        assertEquals("absent", fleet.exec(3, "sh", "-c", "[ -e /usr/lib/cni/bridge ] && echo present || echo absent").trim(),
                "a host-network container needs no CNI plugins");
        String state = fleet.exec(3, "sh", "-c", "runc --root /var/lib/jplay/runc list -q; ls /var/lib/jplay");
        assertTrue(state.lines().anyMatch(l -> l.strip().equals("web") || l.strip().startsWith("web")), state);
        assertTrue(state.contains("images") && state.contains("containers"), "state in /var/lib/jplay: " + state);
        assertEquals("absent", fleet.exec(3, "sh", "-c", "[ -e /home/debian/.jplay/state/images ] && echo present || echo absent").trim());
        // jplay ps -b reads the privileged agent's state; without -b the login user's (which has no containers).
        CliRun ps = CliRun.of("ps", "-i", fleet.inventoryYaml().toString(), "-l", fleet.name(3), "--known-hosts",
                fleet.knownHosts().toString(), "-b", "--json");
        assertEquals(0, ps.exit(), ps.out() + ps.err());
        assertTrue(ps.out().contains("\"web\""), ps.out());
        CliRun plain = CliRun.of("ps", "-i", fleet.inventoryYaml().toString(), "-l", fleet.name(3), "--known-hosts",
                fleet.knownHosts().toString(), "--json");
        assertEquals(0, plain.exit(), plain.out() + plain.err());
        assertTrue(!plain.out().contains("\"web\""), plain.out());
        // Removing it goes through the same privileged agent.
        Files.writeString(playbook, Files.readString(playbook).replace("stop_timeout: 2", "stop_timeout: 2\n        state: absent"));
        CliRun removed = CliRun.of("apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(), "-l", fleet.name(3),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", work.resolve("removed").toString(),
                "--state-dir", work.resolve("state").toString());
        assertEquals(0, removed.exit(), removed.out() + removed.err());
        assertEquals("", fleet.exec(3, "sh", "-c", "runc --root /var/lib/jplay/runc list -q").trim());
    }

    // ---- helpers ----

    /** {@code jplay setup} on host {@code host} (0: as -l says), expecting {@code exit}. */
    private RunReport setup(int host, int exit, String... extra) throws Exception {
        Path runDir = Files.createTempDirectory(work, "setup");
        List<String> args = new ArrayList<>(List.of("setup", "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString()));
        if (host > 0) args.addAll(List.of("-l", fleet.name(host)));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(exit, run.exit(), run.out() + run.err());
        assertTrue(!run.out().contains(PASSWORD) && !run.err().contains(PASSWORD), "the password is not printed");
        return ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
    }

    private static TaskOutcome outcome(RunReport r, int host) {
        return r.results().stream().filter(o -> o.host().equals(fleet.name(host))).findFirst().orElseThrow();
    }

    private static String runc(int host) {
        return fleet.exec(host, "sh", "-c", "command -v runc || echo absent").trim();
    }
}
