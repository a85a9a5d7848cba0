package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.engine.run.ExitCodes;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jplay ps} where no host can answer: each failure located, the exit code says so (the listing itself: ContainerFleetIT). */
class PsCommandTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** A loopback port nothing listens on (bound, then released). */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void eachHostsServicesSayTheirTrafficPolicy() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        PsCommand.printServices(new java.io.PrintStream(bytes, true), java.util.List.of(
                java.util.Map.of("host", "web1", "name", "web", "port", 80, "protocol", "tcp", "target_port", 8080,
                        "backends", java.util.List.of("10.0.0.2", "10.0.0.3"), "traffic_policy", "local"),
                java.util.Map.of("host", "web2", "name", "web", "port", 80, "protocol", "tcp", "target_port", 8080,
                        "backends", java.util.List.of("10.0.0.2"), "traffic_policy", "cluster")));
        assertEquals("\nweb1: service web 80/tcp -> 8080, 2 backends, traffic policy local\n"
                + "web2: service web 80/tcp -> 8080, 1 backend, traffic policy cluster\n", bytes.toString());
    }

    @Test
    void unreachableHostsAreListedWithTheirStepAndExitCodeFour() throws Exception {
        Path inventory = Files.writeString(dir.resolve("inv.yml"), """
                all:
                  hosts:
                    dead: {ansible_host: 127.0.0.1, ansible_port: %d, ansible_user: root}
                """.formatted(closedPort()));
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "");
        CliRun table = run("ps", "-i", inventory.toString(), "--known-hosts", knownHosts.toString());
        assertEquals(ExitCodes.HOST_UNREACHABLE, table.exit(), table.err());
        assertEquals("HOST  CONTAINER  STATUS  IP  IMAGE  STARTED  RESTARTS  SERVICES\n", table.out().replaceAll(" +", "  "));
        assertTrue(table.err().startsWith("dead: connect/CONNECT_REFUSED: "), table.err());

        CliRun json = run("ps", "-i", inventory.toString(), "--known-hosts", knownHosts.toString(), "--json");
        assertEquals(ExitCodes.HOST_UNREACHABLE, json.exit());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals(0, doc.get("containers").size());
        assertEquals("dead", doc.get("failures").get(0).get("host").asText());
        assertEquals("CONNECT_REFUSED", doc.get("failures").get(0).get("code").asText());
    }

    @Test
    void aPatternMatchingNoHostIsBadInput() throws Exception {
        Path inventory = Files.writeString(dir.resolve("inv.yml"), "all:\n  hosts:\n    a: {jplay_connection: local}\n");
        CliRun r = run("ps", "-i", inventory.toString(), "-l", "nothing*");
        assertEquals(ExitCodes.BAD_INPUT, r.exit());
        assertTrue(r.err().contains("no host matches 'nothing*'"), r.err());
    }
}
