package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Step;
import dev.jplay.testing.TestFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Agent sessions against real sshd hosts (network namespaces from {@link TestFleet}). */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class SshConnectionsTest {
    private static final int HOSTS = 6;
    /** The agent JVM, not the sh that waits for it while it records the CDS archive of a first run. */
    private static final String AGENT_JVM = "^java .*jplay-agent-";
    private static TestFleet fleet;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startFleet() {
        fleet = TestFleet.start(SshConnectionsTest.class, HOSTS);
    }

    @AfterAll
    static void stopFleet() {
        if (fleet != null) fleet.close();
    }

    private SshSettings settings() {
        return SshSettings.defaults().withKnownHosts(fleet.knownHosts()).withConnectTimeout(Duration.ofSeconds(3));
    }

    private Connections connections(SshSettings settings) {
        return Connections.builder().ssh(settings).forks(10).build();
    }

    private static String jarOnHost() {
        return "/root/.jplay/agent/" + AgentJar.embedded().fileName();
    }

    @Test
    void uploadsTheAgentOnceThenReusesTheCachedJar() throws Exception {
        List<HostTarget> hosts = fleet.targets().subList(0, 5);
        for (int i = 1; i <= 5; i++) fleet.exec(i, "rm", "-rf", "/root/.jplay");

        List<String> statsAfterUpload = new ArrayList<>();
        try (Connections first = connections(settings())) {
            for (HostTarget h : hosts) {
                AgentSession s = first.session(h);
                assertTrue(s.startup().agentUploaded(), "first start on " + h.name() + " uploads");
                assertEquals("pong", s.call("ping", Map.of()).get(30, TimeUnit.SECONDS).data().get("ping"));
            }
            assertEquals(5, first.uploads());
        }
        for (int i = 1; i <= 5; i++) {
            // No temp file left behind by the upload; the first agent records its CDS archive as it exits, after
            // the controller has closed the session (nothing waits for that): wait for it before looking.
            String jar = AgentJar.embedded().fileName();
            String listing = fleet.exec(i, "ls", "-A", "/root/.jplay/agent").trim();
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                 !listing.equals(jar + "\n" + jar + ".jsa") && System.nanoTime() < deadline; ) {
                Thread.sleep(100);
                listing = fleet.exec(i, "ls", "-A", "/root/.jplay/agent").trim();
            }
            assertEquals(jar + "\n" + jar + ".jsa", listing);
            String stat = fleet.exec(i, "stat", "-c", "%i %Y %s %a", jarOnHost(), "/root/.jplay/agent").trim();
            statsAfterUpload.add(stat);
            String[] lines = stat.split("\n");
            assertEquals(String.valueOf(AgentJar.embedded().size()), lines[0].split(" ")[2], "jar size on host " + i);
            assertEquals("700", lines[1].split(" ")[3], "agent directory mode on host " + i);
        }

        try (Connections second = connections(settings())) {
            for (HostTarget h : hosts) {
                AgentSession s = second.session(h);
                assertFalse(s.startup().agentUploaded(), "second start on " + h.name() + " reuses the cached jar");
                assertEquals("pong", s.call("ping", Map.of()).get(30, TimeUnit.SECONDS).data().get("ping"));
                String maps = fleet.exec(hosts.indexOf(h) + 1, "cat", "/proc/" + s.hello().pid() + "/maps");
                assertTrue(maps.contains(AgentJar.embedded().fileName() + ".jsa"), "agent on " + h.name() + " maps its CDS archive");
            }
            assertEquals(0, second.uploads());
        }
        for (int i = 1; i <= 5; i++) {
            assertEquals(statsAfterUpload.get(i - 1),
                    fleet.exec(i, "stat", "-c", "%i %Y %s %a", jarOnHost(), "/root/.jplay/agent").trim(),
                    "the cached jar on host " + i + " was not rewritten");
        }
    }

    @Test
    void pipelinesOneHundredPingsPerHost() throws Exception {
        try (Connections c = connections(settings())) {
            List<CompletableFuture<AgentResult>> calls = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            List<AgentSession> sessions = new ArrayList<>();
            for (HostTarget h : fleet.targets().subList(0, 5)) sessions.add(c.session(h));
            for (AgentSession s : sessions) {
                for (int n = 0; n < 100; n++) {
                    String data = s.target().name() + "#" + n;
                    expected.add(data);
                    calls.add(s.call("ping", Map.of("data", data)));
                }
            }
            for (int k = 0; k < calls.size(); k++) {
                AgentResult r = calls.get(k).get(30, TimeUnit.SECONDS);
                assertEquals("ok", r.status());
                assertEquals(expected.get(k), r.data().get("ping"));
            }
            // Sequential round trips on one open session.
            AgentSession s = sessions.get(0);
            long[] nanos = new long[300];
            for (int n = 0; n < nanos.length; n++) {
                long t = System.nanoTime();
                s.call("ping", Map.of()).get(10, TimeUnit.SECONDS);
                nanos[n] = System.nanoTime() - t;
            }
            java.util.Arrays.sort(nanos);
            System.out.printf("[measure] ping round trip over SSH: median %.3f ms, p90 %.3f ms (300 sequential calls)%n",
                    nanos[150] / 1e6, nanos[270] / 1e6);
            assertTrue(nanos[150] < TimeUnit.MILLISECONDS.toNanos(50), "median round trip " + nanos[150] + " ns");
        }
    }

    @Test
    void refusesAChangedHostKeyNamingTheHost() throws Exception {
        // known_hosts claims host 1's address has host 2's key.
        List<String> lines = Files.readAllLines(fleet.knownHosts());
        String forged = fleet.address(1) + " " + lines.get(1).split(" ", 2)[1];
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), forged + "\n");
        for (HostKeyPolicy policy : HostKeyPolicy.values()) {
            try (Connections c = connections(settings().withKnownHosts(knownHosts).withHostKeyPolicy(policy))) {
                ConnectionException e = assertThrows(ConnectionException.class, () -> c.session(fleet.target(1)));
                assertEquals(Step.HOSTKEY, e.step());
                assertEquals("HOST_KEY_MISMATCH", e.code());
                assertTrue(e.getMessage().contains(fleet.name(1)) && e.getMessage().contains(fleet.address(1)), e.getMessage());
            }
        }
        assertEquals(List.of(forged), Files.readAllLines(knownHosts), "a mismatch never rewrites known_hosts");
    }

    @Test
    void refusesAnUnknownHostUnderStrict() throws Exception {
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
        try (Connections c = connections(settings().withKnownHosts(knownHosts))) {
            ConnectionException e = assertThrows(ConnectionException.class, () -> c.session(fleet.target(2)));
            assertEquals(Step.HOSTKEY, e.step());
            assertEquals("HOST_KEY_UNKNOWN", e.code());
            assertTrue(e.getMessage().contains(fleet.name(2)), e.getMessage());
        }
        assertEquals("", Files.readString(knownHosts));
    }

    @Test
    void acceptNewRecordsEachHostKeyOnce() throws Exception {
        Path knownHosts = tmp.resolve("ssh/known_hosts"); // the directory does not exist yet either
        List<HostTarget> hosts = fleet.targets().subList(0, 5);
        try (Connections c = connections(settings().withKnownHosts(knownHosts).withHostKeyPolicy(HostKeyPolicy.ACCEPT_NEW))) {
            for (CompletableFuture<AgentSession> f : c.openAll(hosts).values()) {
                assertEquals("pong", f.get(60, TimeUnit.SECONDS).call("ping", Map.of()).get(10, TimeUnit.SECONDS).data().get("ping"));
            }
        }
        List<String> expected = Files.readAllLines(fleet.knownHosts()).subList(0, 5);
        List<String> recorded = Files.readAllLines(knownHosts);
        assertEquals(expected.stream().sorted().toList(), recorded.stream().sorted().toList());
        // Now known: STRICT accepts them, and nothing more is appended.
        try (Connections c = connections(settings().withKnownHosts(knownHosts))) {
            assertNotNull(c.session(fleet.target(3)).hello());
        }
        assertEquals(recorded, Files.readAllLines(knownHosts));
    }

    @Test
    void anUnreachableHostFailsFastWhileTheOthersWork() throws Exception {
        HostTarget dead = HostTarget.ssh("ghost", fleet.unusedAddress(), "root", List.of(fleet.clientKey()));
        List<HostTarget> hosts = new ArrayList<>(fleet.targets().subList(0, 5));
        hosts.add(2, dead);
        long start = System.nanoTime();
        try (Connections c = connections(settings().withConnectTimeout(Duration.ofMillis(1500)))) {
            Map<String, CompletableFuture<AgentSession>> all = c.openAll(hosts);
            ExecutionException e = assertThrows(ExecutionException.class, () -> all.get("ghost").get(30, TimeUnit.SECONDS));
            long failedAfterMs = (System.nanoTime() - start) / 1_000_000;
            ConnectionException ce = assertInstanceOf(ConnectionException.class, e.getCause());
            assertEquals(Step.CONNECT, ce.step());
            assertTrue(ce.getMessage().contains("ghost") && ce.getMessage().contains(fleet.unusedAddress()), ce.getMessage());
            assertTrue(failedAfterMs < 5000, "failed after " + failedAfterMs + " ms");
            for (HostTarget h : fleet.targets().subList(0, 5)) {
                assertEquals("ok", all.get(h.name()).get(60, TimeUnit.SECONDS).call("ping", Map.of()).get(10, TimeUnit.SECONDS).status());
            }
        }
    }

    @Test
    void authenticatesWithRsaEcdsaAndPassphraseProtectedEd25519Keys() throws Exception {
        Path ed = keygen("ed25519", "correct horse", List.of());
        Path rsa = keygen("rsa", "", List.of("-b", "3072"));
        Path ecdsa = keygen("ecdsa", "", List.of("-b", "256"));
        for (Path key : List.of(ed, rsa, ecdsa)) fleet.authorize(Path.of(key + ".pub"));
        try (Connections c = connections(settings())) {
            assertEquals("ok", c.session(fleet.target(4).withIdentity(ed, "correct horse")).call("ping", Map.of()).get(30, TimeUnit.SECONDS).status());
            HostTarget viaRsa = new HostTarget("rsa-" + fleet.name(5), fleet.address(5), 22, "root", List.of(rsa), null, HostTarget.Kind.SSH);
            HostTarget viaEcdsa = new HostTarget("ecdsa-" + fleet.name(6), fleet.address(6), 22, "root", List.of(ecdsa), null, HostTarget.Kind.SSH);
            assertEquals("ok", c.session(viaRsa).call("ping", Map.of()).get(30, TimeUnit.SECONDS).status());
            assertEquals("ok", c.session(viaEcdsa).call("ping", Map.of()).get(30, TimeUnit.SECONDS).status());
            HostTarget wrongPassphrase = new HostTarget("wrong-" + fleet.name(4), fleet.address(4), 22, "root", List.of(ed), "nope", HostTarget.Kind.SSH);
            ConnectionException e = assertThrows(ConnectionException.class, () -> c.session(wrongPassphrase));
            assertEquals(Step.AUTH, e.step());
        }
    }

    @Test
    void anAgentKilledOnTheHostFailsItsPendingCalls() throws Exception {
        try (Connections c = connections(settings())) {
            AgentSession s = c.session(fleet.target(3));
            assertEquals(List.of(s.hello().pid()), fleet.pgrep(3, AGENT_JVM));
            fleet.pkill(3, AGENT_JVM, "STOP"); // frozen: the next call stays pending
            CompletableFuture<AgentResult> pending = s.call("ping", Map.of());
            Thread.sleep(200);
            assertFalse(pending.isDone());
            fleet.pkill(3, AGENT_JVM, "KILL");
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(20, TimeUnit.SECONDS));
            ConnectionException ce = assertInstanceOf(ConnectionException.class, e.getCause());
            assertEquals(Step.AGENT, ce.step());
            assertEquals("AGENT_EXITED", ce.code());
            assertTrue(ce.getMessage().contains(fleet.name(3)) && ce.getMessage().contains("KILL"), ce.getMessage());
            assertFalse(s.isOpen());
            ExecutionException later = assertThrows(ExecutionException.class, () -> s.call("ping", Map.of()).get(5, TimeUnit.SECONDS));
            assertEquals("AGENT_EXITED", ((ConnectionException) later.getCause()).code());
        }
    }

    @Test
    void closingTheSessionLeavesNoAgentOnTheHost() throws Exception {
        AgentSession s;
        try (Connections c = connections(settings())) {
            s = c.session(fleet.target(2));
            assertEquals("ok", s.call("ping", Map.of()).get(30, TimeUnit.SECONDS).status());
            assertEquals(List.of(s.hello().pid()), fleet.pgrep(2, AGENT_JVM));
        }
        assertFalse(s.isOpen());
        // A first-run agent still writes its CDS archive after the session is gone: seconds on a busy machine.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!fleet.pgrep(2, "jplay-agent-").isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(List.of(), fleet.pgrep(2, "jplay-agent-"));
    }

    @Test
    void aJplayJavaThatIsNotOnTheHostIsReportedAsSuch() throws Exception {
        // A host without Java gets a runtime pushed (AgentRuntimePushIT); one whose inventory names a java uses that
        // one, and a missing one is an error naming it, not a push.
        try (Connections c = connections(settings())) {
            ConnectionException e = assertThrows(ConnectionException.class,
                    () -> c.session(fleet.target(6).withJava("/opt/no-such-jdk/bin/java")));
            assertEquals(Step.AGENT, e.step());
            assertEquals("JAVA_MISSING", e.code());
            assertTrue(e.getMessage().contains(fleet.name(6)) && e.getMessage().contains("/opt/no-such-jdk/bin/java"), e.getMessage());
            assertEquals(0, c.runtimeUploads());
        }
    }

    private Path keygen(String type, String passphrase, List<String> extra) throws IOException, InterruptedException {
        Path key = tmp.resolve("id_" + type);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-f", key.toString()));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "ssh-keygen: " + out);
        return key;
    }
}
