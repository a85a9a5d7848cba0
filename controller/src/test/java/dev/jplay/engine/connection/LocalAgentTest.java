package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real agent jar, run as a local subprocess. */
class LocalAgentTest {
    @TempDir
    Path cache;

    @Test
    void runsTheAgentLocallyCachesItsJarAndStopsItOnClose() throws Exception {
        long pid;
        try (Connections c = Connections.builder().localAgentDir(cache).build()) {
            AgentSession s = c.session(HostTarget.local("localhost"));
            assertTrue(s.startup().agentUploaded(), "first use writes the cached jar");
            assertEquals("hi", s.call("ping", Map.of("data", "hi")).get(60, TimeUnit.SECONDS).data().get("ping"));
            assertEquals("failed", s.call("no-such-module", Map.of()).get(60, TimeUnit.SECONDS).status());
            pid = s.hello().pid();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        assertTrue(Files.isRegularFile(cache.resolve(AgentJar.embedded().fileName())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.of(pid).isPresent() && System.nanoTime() < deadline) Thread.sleep(20);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "agent " + pid + " still running");

        try (Connections c = Connections.builder().localAgentDir(cache).build()) {
            assertFalse(c.session(HostTarget.local("localhost")).startup().agentUploaded(), "second use reuses the jar");
        }
    }
}
