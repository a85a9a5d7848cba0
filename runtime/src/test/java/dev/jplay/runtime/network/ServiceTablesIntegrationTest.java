package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.fs.HostCommand;
import dev.jplay.runtime.fs.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real nft and kernel, in a network namespace of this test's own (an {@code nft} on PATH that enters it), so this
 * machine's ruleset is never touched: tables are created, read back, replaced and deleted, and a table that is not
 * jplay's survives all of it.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ServiceTablesIntegrationTest {
    private static final String NETNS = "jpsvct" + ProcessHandle.current().pid() % 100000;
    private static final String OTHER = "table inet other-firewall {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n"
            + "\t\ttcp dport 80 counter accept\n\t}\n}";

    @TempDir Path tmp;
    private ServiceTables tables;

    @BeforeEach
    void namespace() throws Exception {
        run("ip", "netns", "add", NETNS);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path nft = bin.resolve("nft");
        Files.writeString(nft, "#!/bin/sh\nexec ip netns exec " + NETNS + " /usr/sbin/nft \"$@\"\n");
        Files.setPosixFilePermissions(nft, PosixFilePermissions.fromString("rwx------"));
        tables = new ServiceTables(new HostTools(Map.of("PATH", bin.toString())));
        Path other = tmp.resolve("other.nft");
        Files.writeString(other, OTHER + "\n");
        run(nft.toString(), "-f", other.toString());
    }

    @AfterEach
    void removeNamespace() throws Exception {
        run("ip", "netns", "del", NETNS);
    }

    @Test
    void createdReadBackReplacedAndDeletedLeavingOtherTablesAlone() throws Exception {
        FleetService web = new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.70", "10.77.0.5"));
        assertEquals(List.of(), tables.names());
        assertEquals(Optional.empty(), tables.read("web"));

        tables.apply(web);
        assertEquals(List.of("web"), tables.names());
        InstalledService read = tables.read("web").orElseThrow();
        assertEquals(web, read.service());
        assertTrue(read.matches(web), "what the kernel holds is what would be written: a re-run changes nothing");

        FleetService fewer = new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5"));
        FleetService none = new FleetService("dns", 53, 5353, "udp", List.of());
        tables.apply(fewer);
        tables.apply(none);
        assertEquals(List.of("dns", "web"), tables.names());
        assertTrue(tables.read("web").orElseThrow().matches(fewer));
        assertTrue(tables.read("dns").orElseThrow().matches(none));
        assertTrue(nft("list", "ruleset").contains("tcp dport 80 counter packets 0 bytes 0 accept"), "the other table is untouched");

        // The local policy reads back as local (its comment), and only its own rules match it.
        FleetService local = new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5", "10.77.0.6"), FleetService.LOCAL);
        tables.apply(local);
        InstalledService readLocal = tables.read("web").orElseThrow();
        assertEquals(local, readLocal.service());
        assertTrue(readLocal.matches(local));
        assertTrue(!readLocal.matches(new FleetService("web", 80, 8080, "tcp", local.backends())), "cluster is another table");
        assertTrue(nft("list", "table", "ip", "jplay-svc-web").contains("ip saddr . ip daddr { 10.77.0.5 . 10.77.0.5, 10.77.0.6 . 10.77.0.6 } masquerade"),
                "the kernel took the hairpin rule");

        tables.delete("web");
        tables.delete("web"); // absent already: still fine
        assertEquals(List.of("dns"), tables.names());
        tables.delete("dns");
        assertEquals("table inet other-firewall {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n"
                + "\t\ttcp dport 80 counter packets 0 bytes 0 accept\n\t}\n}", nft("list", "ruleset"), "only jplay's tables went");
    }

    @Test
    void nftRefusingTheRulesIsLocatedWithItsStderr() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("failing"));
        Path nft = bin.resolve("nft");
        Files.writeString(nft, "#!/bin/sh\necho 'Error: Could not process rule: Operation not supported' >&2\nexit 1\n");
        Files.setPosixFilePermissions(nft, PosixFilePermissions.fromString("rwx------"));
        ServiceTables failing = new ServiceTables(new HostTools(Map.of("PATH", bin.toString())));
        NetworkException e = assertThrows(NetworkException.class,
                () -> failing.apply(new FleetService("web", 80, 80, "tcp", List.of())));
        assertEquals(NetworkException.SERVICE_NFT_FAILED, e.code());
        assertEquals("Error: Could not process rule: Operation not supported", e.detail().get("stderr_tail"));
        assertTrue(String.valueOf(e.detail().get("command")).matches(".*/nft -f /.*jplay-svc-web-.*\\.nft"), e.detail().toString());
    }

    private String nft(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", NETNS, "/usr/sbin/nft"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    private static String run(String... command) throws Exception {
        HostCommand.Result r = HostCommand.run(List.of(command), Duration.ofSeconds(20));
        if (!r.ok()) throw new AssertionError(r.failure());
        return r.stdout();
    }
}
