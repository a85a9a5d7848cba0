package dev.jplay.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureSummaryTest {
    @Test
    void sameProblemOnManyHostsIsOneGroupBiggestFirst() {
        RunReport report = Fixtures.report(List.of(
                Fixtures.failed("web-1", "migrate", null, "boom", Map.of(), false, "2026-01-01T00:00:01Z"),
                Fixtures.unreachable("db-1", "10.0.0.7", 22, "2026-01-01T00:00:00Z"),
                Fixtures.unreachable("db-2", "10.0.0.8", 2222, "2026-01-01T00:00:00Z"),
                Fixtures.unreachable("db-3", "db-3.example.org", 22, "2026-01-01T00:00:00Z"),
                Fixtures.failed("web-2", "migrate", null, "boom", Map.of(), true, "2026-01-01T00:00:01Z")));

        List<FailureGroup> groups = FailureSummary.of(report);

        assertEquals(2, groups.size(), groups.toString());
        FailureGroup connect = groups.get(0);
        assertEquals("connect", connect.step());
        assertEquals("CONNECT_REFUSED", connect.code());
        assertEquals("cannot connect to <addr>:<port>: Connection refused", connect.cause());
        assertEquals(3, connect.count());
        assertEquals(List.of("db-1", "db-2", "db-3"), connect.hosts());
        assertEquals("site.yml:4:7", connect.firstLocation());
        FailureGroup exec = groups.get(1);
        assertEquals(1, exec.count(), "ignored failures are not failures of the run");
        assertEquals(List.of("web-1"), exec.hosts());
        assertEquals(List.of("migrate"), exec.tasks());
    }

    @Test
    void endpointComesFromTheConnectionCause() {
        FailureInfo f = Fixtures.unreachable("db-2", "10.0.0.8", 2222, null).error();
        assertEquals(new FailureCause.Endpoint("10.0.0.8", 2222, null), FailureCause.endpoint(f));
        assertEquals("cannot connect to 10.0.0.8:2222: Connection refused", FailureCause.message(f));
        FailureInfo local = new FailureInfo("localhost", "t", null, "agent", "AGENT_EXITED",
                "localhost (local): agent failed [AGENT_EXITED]: the agent exited", null);
        assertEquals(null, FailureCause.endpoint(local));
    }

    @Test
    void nextActionFollowsStepAndCode() {
        assertTrue(NextAction.suggest(Fixtures.unreachable("db-2", "10.0.0.8", 2222, null).error())
                .contains("ssh -p 2222 USER@10.0.0.8"));
        FailureInfo timeout = new FailureInfo("h", "t", null, "connect", "CONNECT_TIMEOUT", "no answer",
                Map.of("address", "10.1.1.1", "port", 22, "user", "deploy"));
        assertEquals("check the host is up and reachable on port 22 (firewall, routing): ssh -p 22 deploy@10.1.1.1",
                NextAction.suggest(timeout));
        FailureInfo hostKey = new FailureInfo("h", "t", null, "hostkey", "HOST_KEY_UNKNOWN", "h (10.1.1.2): hostkey failed [HOST_KEY_UNKNOWN]: x", null);
        assertTrue(NextAction.suggest(hostKey).contains("ssh-keyscan -p 22 10.1.1.2 >> ~/.ssh/known_hosts"));
        FailureInfo mismatch = new FailureInfo("h", "t", null, "hostkey", "HOST_KEY_MISMATCH", "changed", null);
        assertTrue(NextAction.suggest(mismatch).contains("ssh-keygen -R"));
        FailureInfo rc = new FailureInfo("web-1", "t", null, "exec", "NON_ZERO_RC", "non-zero return code", Map.of("rc", 7));
        assertEquals("run the command on web-1 to reproduce it (it exited 7), and read its stderr", NextAction.suggest(rc));
        FailureInfo bomb = new FailureInfo("h", "t", null, "unpack", "UNPACK_EXPANSION_LIMIT", "expands", null);
        assertTrue(NextAction.suggest(bomb).contains("unpack_max_ratio"), NextAction.suggest(bomb));
        FailureInfo full = new FailureInfo("h", "t", null, "unpack", "UNPACK_DISK_RESERVE", "reserve", null);
        assertTrue(NextAction.suggest(full).contains("unpack_min_free"), NextAction.suggest(full));
        FailureInfo registry = new FailureInfo("h", "t", null, "manifest", "MANIFEST_UNKNOWN", "no such tag",
                Map.of("image", "registry.local/app:1.2"));
        assertTrue(NextAction.suggest(registry).contains("skopeo inspect docker://registry.local/app:1.2"));
        FailureInfo denied = new FailureInfo("h", "t", null, "fetch", "UNAUTHORIZED", "401", null);
        assertTrue(NextAction.suggest(denied).contains("credentials"));
        FailureInfo java = new FailureInfo("h", "t", null, "agent", "JAVA_MISSING", "no java", null);
        assertTrue(NextAction.suggest(java).contains("Java 17"));
    }

    @Test
    void aTimeoutSuggestionSaysWhatHungWhereItIsKnown() {
        FailureInfo stuck = new FailureInfo("web-1", "t", null, "exec", "TIMEOUT", "did not finish",
                Map.of("activity", "running cat /tmp/x.fifo"));
        assertTrue(NextAction.suggest(stuck).startsWith("it hung while running cat /tmp/x.fifo: look at that on web-1"),
                NextAction.suggest(stuck));
        FailureInfo stalled = new FailureInfo("web-1", "t", null, "fetch", "TIMEOUT", "no data",
                Map.of("url", "http://r:5000/v2/a/blobs/sha256:1"));
        assertTrue(NextAction.suggest(stalled).contains("http://r:5000/v2/a/blobs/sha256:1")
                && NextAction.suggest(stalled).contains("pull_progress_timeout"), NextAction.suggest(stalled));
        FailureInfo frozen = new FailureInfo("web-1", "t", null, "agent", "TIMEOUT", "no answer", null);
        assertTrue(NextAction.suggest(frozen).contains("stopped answering"), NextAction.suggest(frozen));
    }
}
