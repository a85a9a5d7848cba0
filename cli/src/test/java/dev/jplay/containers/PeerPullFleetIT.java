package dev.jplay.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer-to-peer image distribution on real sshd hosts with a real docker-registry (its request log counts what it
 * served): a fleet pulling one image takes each blob from the registry once; a host whose stored blob is corrupt
 * is dropped by the hosts that take it from there, and their pulls succeed from the registry, verified.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class PeerPullFleetIT {
    static final String BRIDGE = "10.213.0.1";
    static final int HOSTS = 4;
    static final Pattern SERVED = Pattern.compile(
            "http\\.request\\.method=GET .*http\\.request\\.uri=\"/v2/[^\"]*/blobs/(sha256:[0-9a-f]{64})\".*http\\.response\\.written=(\\d+)");
    static final ObjectMapper JSON = new ObjectMapper();
    static TestFleet fleet;
    static RegistryServer registry;
    static Path work;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        fleet = TestFleet.start(PeerPullFleetIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE, "info");
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (registry != null) registry.close();
        } finally {
            if (fleet != null) fleet.close();
        }
    }

    /** Blob digest → GETs that sent bytes, from the registry's log. */
    static Map<String, Integer> blobsServed() throws Exception {
        Map<String, Integer> served = new HashMap<>();
        for (String line : Files.readAllLines(registry.log())) {
            Matcher m = SERVED.matcher(line);
            if (m.find() && Long.parseLong(m.group(2)) > 0) served.merge(m.group(1), 1, Integer::sum);
        }
        return served;
    }

    /** A play per host group pulling {@code image}, each host writing what its pull said of peers to /tmp/peers-TAG.json. */
    static Path playbook(String name, String image, String tag, List<String> groups) throws Exception {
        StringBuilder yaml = new StringBuilder();
        for (String hosts : groups) {
            yaml.append("""
                    - hosts: %s
                      gather_facts: false
                      tasks:
                        - name: pull
                          image: {name: "%s", insecure: true}
                          register: pulled
                        - name: what came from peers
                          copy: {content: "{{ pulled.image | to_json }}", dest: /tmp/pull-%s.json}
                    """.formatted(hosts, image, tag));
        }
        Path p = work.resolve(name + ".yml");
        Files.writeString(p, yaml.toString());
        return p;
    }

    static Path apply(Path playbook) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        int code = Main.execute(new String[] {"apply", playbook.toString(), "-i", fleet.inventoryYaml().toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString()});
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(0, code, () -> "failures: " + report.failures());
        return runDir;
    }

    static JsonNode pullOf(int host, String tag) throws Exception {
        return JSON.readTree(fleet.exec(host, "cat", "/tmp/pull-" + tag + ".json"));
    }

    static List<String> layerDigests(JsonNode pull) {
        List<String> digests = new ArrayList<>();
        pull.get("layers").forEach(l -> digests.add(l.get("digest").asText()));
        return digests;
    }

    @Test
    void eachBlobCrossesTheRegistrysLinkOnceAndACorruptPeerIsDropped() throws Exception {
        // 1. Cold stores, one play on all hosts: the registry serves every blob once, the other hosts take it from peers.
        TestImages.Pushed first = TestImages.pushBusybox(registry, "fleet/peer:1", "first\n");
        Path run = apply(playbook("all", first.reference(), "one", List.of("fleet")));
        Map<String, Integer> served = blobsServed();
        long fromPeers = 0;
        JsonNode any = pullOf(1, "one");
        for (int i = 1; i <= HOSTS; i++) {
            JsonNode pull = pullOf(i, "one");
            assertEquals(first.digest(), pull.get("manifest_digest").asText(), "verified against its own manifest on host " + i);
            assertEquals(pull.get("layers").size(), pull.get("layers_unpacked").asInt(), "unpacked on host " + i);
            assertEquals(0, pull.get("peers").get("dropped").size(), () -> "host " + pull);
            fromPeers += pull.get("peers").get("blobs_from_peers").asLong();
            assertEquals("", fleet.exec(i, "sh", "-c", "ls /root/.jplay/state/images/ingest | grep partial || true").trim(),
                    "no partial ingest left on host " + i);
        }
        for (String layer : layerDigests(any)) assertEquals(1, served.get(layer), () -> layer + " served " + served);
        assertEquals(1, served.get(any.get("config_digest").asText()), () -> "config served " + served);
        assertEquals((long) (HOSTS - 1) * (layerDigests(any).size() + 1), fromPeers, "every other host took every blob from a peer");
        // The run's token is nowhere in what the run wrote, nor in the agents' command lines.
        for (String file : List.of(ReportFiles.REPORT, ReportFiles.EVENTS)) {
            String text = Files.readString(run.resolve(file));
            assertFalse(text.contains("_peers") || text.contains("\"token\""), file);
        }

        // 2. Host 1 has the second image, with a corrupt layer blob in its store; the others pull it from host 1 first.
        TestImages.Pushed second = TestImages.pushBusybox(registry, "fleet/peer:2", "second\n");
        apply(playbook("seed", second.reference(), "seed", List.of(fleet.name(1))));
        List<String> layers = layerDigests(pullOf(1, "seed"));
        for (String layer : layers) {
            String blob = "/root/.jplay/state/images/blobs/sha256/" + layer.substring("sha256:".length());
            fleet.exec(1, "sh", "-c", "printf 'X' | dd of=" + blob + " bs=1 seek=100 conv=notrunc status=none");
        }
        Map<String, Integer> before = blobsServed();
        String others = String.join(":", List.of(fleet.name(2), fleet.name(3), fleet.name(4)));
        Path second_run = apply(playbook("corrupt", second.reference(), "two", List.of(fleet.name(1), others)));
        Map<String, Integer> after = blobsServed();
        String events = Files.readString(second_run.resolve(ReportFiles.EVENTS));
        for (int i = 2; i <= HOSTS; i++) {
            JsonNode pull = pullOf(i, "two");
            assertEquals(second.digest(), pull.get("manifest_digest").asText());
            JsonNode dropped = pull.get("peers").get("dropped");
            assertTrue(dropped.size() >= 1, () -> "host " + pull);
            JsonNode drop = dropped.get(0);
            assertEquals("DIGEST_MISMATCH", drop.get("code").asText(), drop::toString);
            assertEquals("fetch", drop.get("step").asText());
            assertTrue(drop.get("peer").asText().startsWith(fleet.address(1) + ":"), drop::toString);
            assertTrue(layers.contains(drop.get("digest").asText()), drop::toString);
            assertTrue(events.contains(fleet.name(i) + ": peer " + fleet.address(1) + ":"), "the drop is a warning of host " + i);
            // Every layer this host holds is the one its manifest names.
            for (String layer : layerDigests(pull)) {
                String hex = layer.substring("sha256:".length());
                assertEquals(hex, fleet.exec(i, "sh", "-c", "sha256sum /root/.jplay/state/images/blobs/sha256/" + hex).split(" ")[0]);
            }
        }
        int refetched = 0;
        for (String layer : layers) refetched += after.getOrDefault(layer, 0) - before.getOrDefault(layer, 0);
        assertTrue(refetched >= 1, "the corrupt layer came from the registry: " + after);
    }
}
