package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jplay plan} of a play with {@code service:}: the service, its backends, and a service the state says to delete. */
class PlanServiceTest {
    private static Path playbook(Path dir, String service) throws IOException {
        return Files.writeString(dir.resolve("site.yml"), """
                - hosts: web
                  replicas: {app: web, count: 4, pool: web}
                  %s
                  vars:
                    jplay_ip_pools:
                      web: {cidr: 10.88.0.0/24}
                  tasks: []
                """.formatted(service));
    }

    @Test
    void showsTheServiceAndWhichBackendsServeFromTheStart(@TempDir Path dir) throws IOException {
        Path inv = Files.writeString(dir.resolve("hosts.ini"), "[web]\nweb[1:2] ansible_connection=local\n");
        Path state = dir.resolve("state");
        Path pb = playbook(dir, "service: {name: web, port: 80, target_port: 8080}");
        CliRun first = CliRun.of("plan", pb.toString(), "-i", inv.toString(), "--json", "--state-dir", state.toString());
        assertEquals(0, first.exit(), first.err());
        JsonNode service = new ObjectMapper().readTree(first.out()).get("plays").get(0).get("service");
        assertEquals("web", service.get("name").asText());
        assertEquals(8080, service.get("target_port").asInt());
        assertEquals(4, service.get("backends").size());
        for (JsonNode b : service.get("backends")) assertFalse(b.get("serving_at_start").asBoolean(), "first run: none serves yet");

        assertEquals(0, CliRun.of("plan", pb.toString(), "-i", inv.toString(), "--state-dir", state.toString(), "--write-state").exit());
        CliRun text = CliRun.of("plan", pb.toString(), "-i", inv.toString(), "--state-dir", state.toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("service web: port 80/tcp -> target port 8080 on every host (2), 4 backends (4 serving from the start"),
                text.out());

        assertTrue(text.out().contains("    traffic policy cluster: every host spreads over all backends, masqueraded"), text.out());

        Path local = playbook(dir, "service: {name: web, port: 80, target_port: 8080, traffic_policy: local}");
        CliRun localText = CliRun.of("plan", local.toString(), "-i", inv.toString(), "--state-dir", state.toString());
        assertEquals(0, localText.exit(), localText.err());
        assertTrue(localText.out().contains("    traffic policy local: each host sends to its own instances, unmasqueraded (they see the"
                + " client's address): web1 2, web2 2\n"), localText.out());
        CliRun localJson = CliRun.of("plan", local.toString(), "-i", inv.toString(), "--json", "--state-dir", state.toString());
        assertEquals("local", new ObjectMapper().readTree(localJson.out()).get("plays").get(0).get("service").get("traffic_policy").asText());
        Path inv3 = Files.writeString(dir.resolve("hosts3.ini"), "[web]\nweb[1:3] ansible_connection=local\n");
        Path two = Files.writeString(dir.resolve("two.yml"), Files.readString(local).replace("count: 4", "count: 2"));
        CliRun fallback = CliRun.of("plan", two.toString(), "-i", inv3.toString(), "--state-dir", dir.resolve("state3").toString());
        assertEquals(0, fallback.exit(), fallback.err());
        assertTrue(fallback.out().matches("(?s).*traffic policy local: .*: web\\d 1, web\\d 1; no instance, so every backend \\(cluster\\): web\\d\n.*"),
                fallback.out());

        CliRun removed = CliRun.of("plan", playbook(dir, "").toString(), "-i", inv.toString(), "--json", "--state-dir", state.toString());
        assertEquals(0, removed.exit(), removed.err());
        assertEquals("web", new ObjectMapper().readTree(removed.out()).get("plays").get(0).get("deleted_service").asText(),
                "the state records the service: removing the key deletes it");
    }
}
