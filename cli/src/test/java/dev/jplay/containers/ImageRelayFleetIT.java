package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.cli.Main;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images relayed through the controller's SSH connections to hosts whose network cannot reach the registry (an nft
 * rule in the host's namespace drops it, and counts what it drops), and the next batch's images pre-staged during a
 * rolling update. Real sshd hosts, a real docker-registry on the fleet's bridge, real runc.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ImageRelayFleetIT {
    static final String BRIDGE = ContainerFleetIT.BRIDGE;
    static final int HOSTS = 4;
    static TestFleet fleet;
    static RegistryServer registry;
    static Path work;
    static Path inventory;
    static final String TOKEN = "relayed-" + System.nanoTime();

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        System.setProperty("jplay.relay.cache", dir.resolve("relay-cache").toString());
        fleet = TestFleet.start(ImageRelayFleetIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        // Hosts 2 and 3 cannot reach the registry, and are told so.
        String inv = Files.readString(fleet.inventoryYaml());
        for (int i : new int[] {2, 3}) {
            String line = "          ansible_host: " + fleet.address(i) + "\n";
            assertTrue(inv.contains(line), inv);
            inv = inv.replace(line, line + "          jplay_image_pull: relay\n");
            block(i);
        }
        inventory = dir.resolve("inventory.yml");
        Files.writeString(inventory, inv);
    }

    @AfterAll
    static void down() throws Exception {
        System.clearProperty("jplay.relay.cache");
        try {
            if (registry != null) registry.close();
        } finally {
            if (fleet != null) fleet.close();
        }
    }

    /** Drops (and counts) every packet host i sends to the registry. */
    static void block(int i) {
        fleet.exec(i, "nft", "add table inet jplay_norelay");
        fleet.exec(i, "nft", "add counter inet jplay_norelay registry");
        fleet.exec(i, "nft", "add chain inet jplay_norelay out { type filter hook output priority 0 ; }");
        fleet.exec(i, "nft", "add rule inet jplay_norelay out ip daddr " + BRIDGE + " tcp dport " + registry.port()
                + " counter name registry drop");
    }

    static long droppedPackets(int i) {
        Matcher m = Pattern.compile("packets (\\d+)").matcher(fleet.exec(i, "nft", "list counter inet jplay_norelay registry"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    static Path playbook(String name, String image, String hosts, String serial) throws Exception {
        Path p = work.resolve(name + ".yml");
        Files.writeString(p, """
                - hosts: %s
                %s  tasks:
                    - name: web server
                      container:
                        name: "web-{{ inventory_hostname }}"
                        image: %s
                        insecure: true
                        network_mode: host
                        stop_timeout: 2
                      register: web
                    - name: figures
                      debug:
                        msg: "relay={{ web.relay.blobs_sent | default('none') }} downloaded={{ web.image.bytes_downloaded }}"
                """.formatted(hosts, serial == null ? "" : "  serial: " + serial + "\n", image));
        return p;
    }

    static Path applyIn(Path playbook, String... extra) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", inventory.toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString()));
        args.addAll(List.of(extra));
        int code = Main.execute(args.toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report agree");
        return runDir;
    }

    static List<Map<String, Object>> events(Path runDir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve(ReportFiles.EVENTS))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = json.readValue(line, Map.class);
            events.add(e);
        }
        return events;
    }

    static String figures(List<Map<String, Object>> events, String host) {
        return events.stream().filter(e -> "host_result".equals(e.get("event")) && host.equals(e.get("host"))
                && "figures".equals(e.get("task"))).map(e -> String.valueOf(e.get("msg"))).findFirst().orElseThrow();
    }

    @Test
    void aHostWithoutRegistryAccessGetsTheImageOverSshAndRunsIt() throws Exception {
        TestImages.Pushed web = TestImages.pushBusybox(registry, "relay/web:1", TOKEN + "\n");
        // The block works: host 2 cannot fetch the registry's API itself.
        assertThrows(RuntimeException.class, () -> fleet.exec(2, "timeout", "5", "busybox", "wget", "-qO-",
                "http://" + registry.hostPort() + "/v2/"));
        long droppedBefore = droppedPackets(2);
        assertTrue(droppedBefore > 0, "the probe's packets were dropped");

        Path run = applyIn(playbook("relay", web.reference(), fleet.name(1) + ":" + fleet.name(2), null));
        RunReport report = ReportFiles.read(run.resolve(ReportFiles.REPORT));
        assertEquals(0, report.exitCode(), () -> "failures: " + report.failures());
        assertEquals(TOKEN + "\n", wget(2, "/"), "the relayed image runs");
        assertEquals(TOKEN + "\n", wget(1, "/"));
        assertEquals(droppedBefore, droppedPackets(2), "host 2 sent not one packet to the registry");
        List<Map<String, Object>> events = events(run);
        String relayed = figures(events, fleet.name(2));
        assertTrue(relayed.matches("relay=[1-9]\\d* downloaded=0"), relayed);
        String direct = figures(events, fleet.name(1));
        assertTrue(direct.matches("relay=none downloaded=[1-9]\\d*"), direct);
        assertEquals("", fleet.exec(2, "sh", "-c", "ls /root/.jplay/relay 2>/dev/null || true").trim(), "no staged file left");

        // Again: the host has every blob, nothing is sent, nothing changes.
        Path again = applyIn(playbook("relay", web.reference(), fleet.name(2), null));
        RunReport second = ReportFiles.read(again.resolve(ReportFiles.REPORT));
        assertEquals(0, second.exitCode(), () -> "failures: " + second.failures());
        assertEquals(0, second.recap().get(fleet.name(2)).changed(), "re-apply changes nothing");
        assertEquals("relay=0 downloaded=0", figures(events(again), fleet.name(2)));
        assertEquals(droppedBefore, droppedPackets(2));
    }

    @Test
    void aRelayedBlobWithWrongBytesIsRefused() throws Exception {
        TestImages.Pushed bad = TestImages.pushBusybox(registry, "relay/forged:1", "forged\n");
        // The controller's cache gets the image (through host 2's relay), then a layer's bytes change there.
        Path first = applyIn(playbook("forge-fill", bad.reference(), fleet.name(2), null));
        assertEquals(0, ReportFiles.read(first.resolve(ReportFiles.REPORT)).exitCode());
        Path blobs = work.resolve("relay-cache/blobs/sha256");
        Path layer;
        try (Stream<Path> all = Files.list(blobs)) {
            layer = all.max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow(); // the biggest: a layer
        }
        byte[] bytes = Files.readAllBytes(layer);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(layer, bytes);

        Path run = applyIn(playbook("forged", bad.reference(), fleet.name(3), null));
        RunReport report = ReportFiles.read(run.resolve(ReportFiles.REPORT));
        assertNotEquals(0, report.exitCode());
        Map<String, Object> failed = events(run).stream().filter(e -> "host_result".equals(e.get("event"))
                && fleet.name(3).equals(e.get("host")) && "failed".equals(e.get("status"))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) failed.get("error");
        assertEquals("verify", error.get("step"), String.valueOf(error));
        assertEquals("DIGEST_MISMATCH", error.get("code"), String.valueOf(error));
        assertTrue(String.valueOf(error.get("cause")).contains(fleet.name(3)), String.valueOf(error));
        String hex = layer.getFileName().toString();
        assertFalse(fleet.exec(3, "sh", "-c", "ls /root/.jplay/state/images/blobs/sha256/").contains(hex), "the forged blob is not stored");
        assertEquals("", fleet.exec(3, "sh", "-c", "ls /root/.jplay/relay 2>/dev/null || true").trim(), "no staged file left");
        Files.delete(layer); // the next relay fetches it again
    }

    @Test
    void theNextBatchHasTheImageBeforeItsTurn() throws Exception {
        TestImages.Pushed v2 = TestImages.pushBusybox(registry, "relay/rolling:2", "v2\n");
        Path run = applyIn(playbook("rolling", v2.reference(), fleet.name(1) + ":" + fleet.name(4), "1"));
        RunReport report = ReportFiles.read(run.resolve(ReportFiles.REPORT));
        assertEquals(0, report.exitCode(), () -> "failures: " + report.failures());
        List<Map<String, Object>> events = events(run);
        long prestaged = seq(events, e -> "image_prestaged".equals(e.get("event")) && fleet.name(4).equals(e.get("host")));
        long batch2 = seq(events, e -> "batch_start".equals(e.get("event")) && Integer.valueOf(2).equals(e.get("batch")));
        long host4Task = seq(events, e -> "host_result".equals(e.get("event")) && fleet.name(4).equals(e.get("host"))
                && "web server".equals(e.get("task")));
        assertTrue(prestaged < batch2 && batch2 < host4Task, "pre-staged (" + prestaged + ") before batch 2 (" + batch2 + ")");
        assertEquals("relay=none downloaded=0", figures(events, fleet.name(4)), "the task found the image present");
        assertTrue(figures(events, fleet.name(1)).matches("relay=none downloaded=[1-9]\\d*"), "batch 1 pulled itself");
        assertEquals("v2\n", wget(4, "/"));

        // Off: the host pulls in its own turn.
        TestImages.Pushed v3 = TestImages.pushBusybox(registry, "relay/rolling:3", "v3\n");
        Path off = applyIn(playbook("rolling3", v3.reference(), fleet.name(1) + ":" + fleet.name(4), "1"), "-e", "jplay_prestage=false");
        List<Map<String, Object>> offEvents = events(off);
        assertTrue(offEvents.stream().noneMatch(e -> "image_prestaged".equals(e.get("event"))));
        assertTrue(figures(offEvents, fleet.name(4)).matches("relay=none downloaded=[1-9]\\d*"));
    }

    private static long seq(List<Map<String, Object>> events, java.util.function.Predicate<Map<String, Object>> which) {
        return events.stream().filter(which).mapToLong(e -> ((Number) e.get("seq")).longValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no such event in " + events));
    }

    private static String wget(int host, String path) throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 50; attempt++) { // httpd binds a moment after runc reports it running
            try {
                return fleet.exec(host, "busybox", "wget", "-qO-", "http://127.0.0.1:8080" + path);
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
