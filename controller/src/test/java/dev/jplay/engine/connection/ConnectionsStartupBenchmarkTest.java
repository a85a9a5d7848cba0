package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.testing.TestFleet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures (and prints) how long bringing up agents on 10 and 50 hosts in parallel takes: cold (jar uploaded)
 * and warm (jar cached on the host, one exec). Asserts every host answered and the upload count.
 */
@EnabledIfSystemProperty(named = "jplay.bench", matches = "true")
class ConnectionsStartupBenchmarkTest {
    private static final int HOSTS = 50;
    private static TestFleet fleet;

    @BeforeAll
    static void startFleet() {
        long t = System.nanoTime();
        fleet = TestFleet.start(ConnectionsStartupBenchmarkTest.class, HOSTS);
        System.out.printf("[measure] fleet of %d sshd hosts up in %d ms%n", HOSTS, (System.nanoTime() - t) / 1_000_000);
    }

    @AfterAll
    static void stopFleet() {
        if (fleet != null) fleet.close();
    }

    @Test
    void startsAgentsOnTenAndFiftyHostsInParallel() throws Exception {
        for (int n : new int[] {10, 50}) {
            List<HostTarget> hosts = fleet.targets().subList(0, n);
            for (int i = 1; i <= n; i++) fleet.exec(i, "rm", "-rf", "/root/.jplay");
            assertEquals(n, startAll(hosts, "cold (upload)"));
            assertEquals(0, startAll(hosts, "warm (cached jar)"));
        }
    }

    /** Opens and pings every host with forks = host count; returns the number of uploads. */
    private int startAll(List<HostTarget> hosts, String label) throws Exception {
        SshSettings settings = SshSettings.defaults().withKnownHosts(fleet.knownHosts())
                .withAgentStartTimeout(Duration.ofSeconds(120));
        long start = System.nanoTime();
        long slowest = 0;
        try (Connections c = Connections.builder().ssh(settings).forks(hosts.size()).build()) {
            Map<String, CompletableFuture<AgentSession>> all = c.openAll(hosts);
            for (CompletableFuture<AgentSession> f : all.values()) {
                AgentSession s = f.get(180, TimeUnit.SECONDS);
                assertEquals("ok", s.call("ping", Map.of()).get(30, TimeUnit.SECONDS).status());
                slowest = Math.max(slowest, s.startup().total().toMillis());
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[measure] %d hosts %s: all pinged after %d ms (slowest session %d ms)%n",
                    hosts.size(), label, wall, slowest);
            return c.uploads();
        }
    }
}
