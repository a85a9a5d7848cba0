package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.engine.ippool.Cidr;
import dev.jplay.engine.ippool.IpAddress;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.schedule.FleetStateLock;
import dev.jplay.engine.schedule.ProcessLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Path playbook(Path dir, int count, String cidr) throws IOException {
        Path pb = dir.resolve("site.yml");
        Files.writeString(pb, """
                - name: deploy web
                  hosts: web
                  replicas: {app: web, count: %d, pool: web, max_per_host: 20}
                  vars:
                    jplay_ip_pools:
                      web: {cidr: %s, exclude: [10.88.0.2, "10.88.0.100-10.88.0.120"]}
                  tasks:
                    - debug: msg=hi
                - hosts: db
                  tasks: []
                """.formatted(count, cidr));
        return pb;
    }

    @Test
    void templatedReplicasAndPoolsRenderWithPlayVarsAndExtraVarsAsApplyDoes(@TempDir Path dir) throws IOException {
        Path inv = dir.resolve("hosts.ini");
        Files.writeString(inv, "[web]\nweb[1:4] ansible_connection=local\n");
        Path pb = dir.resolve("fleet.yml");
        Files.writeString(pb, """
                - hosts: web
                  replicas: {app: web, count: "{{ replicas }}", pool: web}
                  vars:
                    replicas: 3
                    cidr: 10.88.0.0/24
                    jplay_ip_pools:
                      web: {cidr: "{{ cidr }}"}
                  tasks: []
                """);
        CliRun r = run("plan", pb.toString(), "-i", inv.toString(), "--json", "--state-dir", dir.resolve("state").toString(),
                "-e", "replicas=8", "-e", "cidr=10.99.0.0/24");
        assertEquals(0, r.exit(), r.err());
        JsonNode play = new ObjectMapper().readTree(r.out()).get("plays").get(0);
        assertEquals(8, play.get("summary").get("add").asInt(), "count from -e");
        for (JsonNode host : play.get("hosts")) {
            for (JsonNode i : host.get("instances")) assertTrue(i.get("ip").asText().startsWith("10.99.0."), "cidr from -e: " + i);
        }
        CliRun defaults = run("plan", pb.toString(), "-i", inv.toString(), "--json", "--state-dir", dir.resolve("state").toString());
        assertEquals(0, defaults.exit(), defaults.err());
        assertEquals(3, new ObjectMapper().readTree(defaults.out()).get("plays").get(0).get("summary").get("add").asInt(), "count from vars");
    }

    @Test
    void plansAsJsonAndDiffsAgainstTheWrittenState(@TempDir Path dir) throws IOException {
        Path inv = dir.resolve("hosts.ini");
        Files.writeString(inv, "[web]\nweb[01:10] ansible_connection=local\n[db]\ndb1\n");
        Path state = dir.resolve("state");
        CliRun r = run("plan", playbook(dir, 30, "10.88.0.0/24").toString(), "-i", inv.toString(), "--json", "--state-dir", state.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode play = new ObjectMapper().readTree(r.out()).get("plays").get(0);
        assertEquals("web", play.get("app").asText());
        assertEquals(10, play.get("hosts").size());
        Set<String> ips = new HashSet<>();
        Cidr cidr = Cidr.parse("10.88.0.0/24");
        for (JsonNode host : play.get("hosts")) {
            assertEquals(3, host.get("instances").size(), "even spread: " + host);
            for (JsonNode i : host.get("instances")) {
                String ip = i.get("ip").asText();
                assertTrue(cidr.contains(IpAddress.parse(ip)) && !ip.equals("10.88.0.2") && !ip.equals("10.88.0.1"), ip);
                assertTrue(ips.add(ip), "duplicate " + ip);
                assertEquals("10.88.0.1", i.get("gateway").asText());
            }
        }
        assertEquals(30, play.get("summary").get("add").asInt());
        assertTrue(Files.notExists(state), "plan alone writes nothing");

        assertEquals(0, run("plan", playbook(dir, 30, "10.88.0.0/24").toString(), "-i", inv.toString(), "--state-dir", state.toString(), "--write-state").exit());
        assertTrue(Files.isRegularFile(state.resolve("web.json")));

        CliRun scaled = run("plan", playbook(dir, 33, "10.88.0.0/24").toString(), "-i", inv.toString(), "--json", "--state-dir", state.toString());
        JsonNode summary = new ObjectMapper().readTree(scaled.out()).get("plays").get(0).get("summary");
        assertEquals(30, summary.get("unchanged").asInt());
        assertEquals(3, summary.get("add").asInt());

        CliRun human = run("plan", playbook(dir, 30, "10.89.0.0/24").toString(), "-i", inv.toString(), "--state-dir", state.toString());
        assertEquals(0, human.exit(), human.err());
        assertTrue(human.out().contains("30 to readdress"), human.out());
        assertTrue(human.out().contains("web01: 3 instances"), human.out());
    }

    @Test
    void writingTheStateWhileAnApplyHoldsItIsRefusedNamingTheHolder(@TempDir Path dir) throws Exception {
        Path inv = dir.resolve("hosts.ini");
        Files.writeString(inv, "[web]\nweb[1:3] ansible_connection=local\n[db]\ndb1 ansible_connection=local\n");
        Path pb = playbook(dir, 5, "10.88.0.0/24");
        Path state = dir.resolve(".jplay/state"); // beside the playbook: no --state-dir
        try (ProcessLock held = FleetStateLock.acquire(state, FleetStateLock.holder("apply", "r-held", Clock.systemUTC()),
                Duration.ZERO, () -> false, m -> {})) {
            CliRun r = run("plan", pb.toString(), "-i", inv.toString(), "--write-state");
            assertEquals(ExitCodes.STATE_LOCKED, r.exit(), r.err());
            assertTrue(r.err().contains("fleet state " + state.resolve("fleet.lock") + " is locked by apply run r-held ("), r.err());
            assertTrue(Files.notExists(state.resolve("web.json")), "nothing written under another run's lock");
            assertEquals(0, run("plan", pb.toString(), "-i", inv.toString()).exit(), "a plan that writes nothing needs no lock");
        }
        assertEquals(0, run("plan", pb.toString(), "-i", inv.toString(), "--write-state").exit());
        assertTrue(Files.exists(state.resolve("web.json")), "written beside the playbook once the lock is free");
    }

    @Test
    void anExhaustedPoolFailsBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        Path inv = dir.resolve("hosts.ini");
        Files.writeString(inv, "[web]\nweb[01:10]\n");
        CliRun r = run("plan", playbook(dir, 20, "10.88.0.0/28").toString(), "-i", inv.toString(), "--state-dir", dir.resolve("s").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit());
        assertTrue(r.err().contains("ip pool 'web' (10.88.0.0/28) is exhausted: 20 instances"), r.err());
    }

    @Test
    void badReplicasAreLocatedInThePlaybook(@TempDir Path dir) throws IOException {
        Path pb = dir.resolve("bad.yml");
        Files.writeString(pb, "- hosts: all\n  replicas: {app: web, count: -1}\n");
        CliRun r = run("plan", pb.toString(), "-i", "a,b", "--state-dir", dir.resolve("s").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit());
        assertTrue(r.err().contains("bad.yml:2:3") && r.err().contains("count"), r.err());
    }

    @Test
    void poolsFromATemplatedVarsFileWinOverThePlayVarsAsInApply(@TempDir Path dir) throws IOException {
        Path inv = dir.resolve("hosts.ini");
        Files.writeString(inv, "[web]\nweb[1:2] ansible_connection=local jplay_ip_pools=\"{'web': {'cidr': '10.77.0.0/24'}}\"\n");
        Files.createDirectories(dir.resolve("vars"));
        Files.writeString(dir.resolve("vars/prod.yml"), "jplay_ip_pools:\n  web: {cidr: 10.66.0.0/24}\n");
        Path pb = dir.resolve("fleet.yml");
        Files.writeString(pb, """
                - hosts: web
                  replicas: {app: web, count: 2, pool: web}
                  vars:
                    env: prod
                    jplay_ip_pools:
                      web: {cidr: 10.55.0.0/24}
                  vars_files: ["vars/{{ env }}.yml"]
                  tasks: []
                """);
        CliRun r = run("plan", pb.toString(), "-i", inv.toString(), "--json", "--state-dir", dir.resolve("state").toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode play = new ObjectMapper().readTree(r.out()).get("plays").get(0);
        assertEquals("10.66.0.0/24", play.get("pool").get("cidr").asText(), "vars_files over vars over the hosts' vars");
    }

    @Test
    void aPlaybookApplyWouldRefuseIsRefusedWhereItIsWritten(@TempDir Path dir) throws IOException {
        Path pb = dir.resolve("bad.yml");
        Files.writeString(pb, "- hosts: all\n  replicas: {app: web, count: 2}\n  tasks:\n    - debug: msg=hi\n      whn: x\n");
        CliRun r = run("plan", pb.toString(), "-i", "a,b", "--state-dir", dir.resolve("s").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit());
        assertTrue(r.err().contains("bad.yml:5:7") && r.err().contains("whn"), r.err());
    }
}
