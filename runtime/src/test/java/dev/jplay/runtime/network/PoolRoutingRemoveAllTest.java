package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.fs.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host that leaves the fleet: {@link PoolRouting#removeAll} deletes jplay's routes ({@code proto 211}) and the iptables
 * rules commented {@code jplay-pool-*}, nothing else; in check mode nothing. {@code ip} and {@code iptables} are scripts
 * that print what a host has (as iptables-nft 1.8.9 prints it: a comment with a '/' quoted) and log what they are asked.
 */
class PoolRoutingRemoveAllTest {
    @TempDir Path dir;

    private PoolRouting routing() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("log");
        script(bin.resolve("ip"), "echo \"ip $*\" >> " + log + "\ncase \"$*\" in\n"
                + "  *'route show proto 211'*) echo '10.77.0.64/26 via 10.213.1.12 dev eth0 proto 211 '; echo '10.78.0.0/26 via 10.213.1.13 dev eth0 proto 211 ';;\n"
                + "esac\n");
        script(bin.resolve("iptables"), "echo \"iptables $*\" >> " + log + "\ncase \"$*\" in\n"
                + "  *'-t nat -S'*) echo '-P POSTROUTING ACCEPT'; echo '-N CNI-abc';"
                + " echo '-A POSTROUTING -s 10.77.0.0/24 -d 10.77.0.0/24 -m comment --comment \"jplay-pool-10.77.0.0/24\" -j RETURN';"
                + " echo '-A POSTROUTING -s 10.88.0.0/16 -m comment --comment \"name: bridge\" -j CNI-abc';;\n"
                + "  *'-t filter -S'*) echo '-P FORWARD DROP'; echo '-A FORWARD -s 10.77.0.0/24 -m comment --comment jplay-pool-10.77.0.0/24 -j ACCEPT';"
                + " echo '-A FORWARD -j DOCKER-USER';;\n"
                + "esac\n");
        return new PoolRouting(new HostTools(Map.of("PATH", bin.toString())));
    }

    private static void script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private List<String> log() throws Exception {
        return Files.exists(dir.resolve("log")) ? Files.readAllLines(dir.resolve("log")) : List.of();
    }

    @Test
    void everyRouteAndRuleOfJplaysPoolsGoesAndNothingElse() throws Exception {
        PoolRouting.Removed removed = routing().removeAll(false);
        assertEquals(List.of(new RouteDiff.Route("10.77.0.64/26", "10.213.1.12"), new RouteDiff.Route("10.78.0.0/26", "10.213.1.13")),
                removed.routes());
        assertEquals(List.of("-t nat POSTROUTING -s 10.77.0.0/24 -d 10.77.0.0/24 -m comment --comment jplay-pool-10.77.0.0/24 -j RETURN",
                "-t filter FORWARD -s 10.77.0.0/24 -m comment --comment jplay-pool-10.77.0.0/24 -j ACCEPT"), removed.firewallRules());
        List<String> log = log();
        assertTrue(log.contains("iptables -w 5 -t nat -D POSTROUTING -s 10.77.0.0/24 -d 10.77.0.0/24 -m comment --comment"
                + " jplay-pool-10.77.0.0/24 -j RETURN"), log.toString());
        assertTrue(log.contains("iptables -w 5 -t filter -D FORWARD -s 10.77.0.0/24 -m comment --comment jplay-pool-10.77.0.0/24 -j ACCEPT"),
                log.toString());
        assertTrue(log.contains("ip route del 10.77.0.64/26 via 10.213.1.12 proto 211"), log.toString());
        assertTrue(log.contains("ip route del 10.78.0.0/26 via 10.213.1.13 proto 211"), log.toString());
        assertEquals(4, log.stream().filter(l -> l.contains(" -D ") || l.contains(" del ")).count(), "nothing else deleted: " + log);
    }

    @Test
    void checkModeOnlyLists() throws Exception {
        PoolRouting.Removed removed = routing().removeAll(true);
        assertTrue(removed.changed());
        assertEquals(2, removed.routes().size());
        assertTrue(log().stream().noneMatch(l -> l.contains(" -D ") || l.contains(" del ")), log().toString());
    }
}
