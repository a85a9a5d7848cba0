package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
        // a first start records the class-data archive as the agent exits: that can take seconds on a loaded machine
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).isPresent() && System.nanoTime() < deadline) Thread.sleep(20);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "agent " + pid + " still running");

        try (Connections c = Connections.builder().localAgentDir(cache).build()) {
            assertFalse(c.session(HostTarget.local("localhost")).startup().agentUploaded(), "second use reuses the jar");
        }
    }

    @Test
    void recordsAClassDataArchiveAtTheFirstStartAndStartsWithItAfter() throws Exception {
        Path jar = cache.resolve(AgentJar.embedded().fileName());
        Path archive = LocalAgentLauncher.archiveFor(jar, System.getProperty("java.home"), System.getProperty("java.vm.version"));
        long firstPid;
        try (Connections c = Connections.builder().localAgentDir(cache).build()) {
            AgentSession s = c.session(HostTarget.local("localhost"));
            assertEquals("hi", s.call("ping", Map.of("data", "hi")).get(60, TimeUnit.SECONDS).data().get("ping"));
            firstPid = s.hello().pid();
            assertTrue(arguments(firstPid).stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + archive + ".")),
                    "the first start records into a temp file beside " + archive + ": " + arguments(firstPid));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.isRegularFile(archive) && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(Files.isRegularFile(archive), "archive renamed into place after the agent's exit: " + archive);
        try (var names = Files.list(cache)) {
            assertEquals(List.of(), names.map(p -> p.getFileName().toString()).filter(n -> n.contains(".jsa.")).toList(),
                    "no temp archive left");
        }

        try (Connections c = Connections.builder().localAgentDir(cache).build()) {
            AgentSession s = c.session(HostTarget.local("localhost"));
            assertEquals("hi", s.call("ping", Map.of("data", "hi")).get(60, TimeUnit.SECONDS).data().get("ping"));
            assertTrue(arguments(s.hello().pid()).contains("-XX:SharedArchiveFile=" + archive), String.valueOf(arguments(s.hello().pid())));
        }
    }

    @Test
    void anArchiveBelongsToOneJarAndOneJava() {
        Path jar = cache.resolve("jplay-agent-0123456789abcdef.jar");
        Path a = LocalAgentLauncher.archiveFor(jar, "/usr/lib/jvm/java-17", "17.0.9+9");
        assertEquals(jar.getParent(), a.getParent());
        assertTrue(a.getFileName().toString().startsWith("jplay-agent-0123456789abcdef.jar."), a.toString());
        assertTrue(a.getFileName().toString().endsWith(".jsa"), a.toString());
        assertEquals(a, LocalAgentLauncher.archiveFor(jar, "/usr/lib/jvm/java-17", "17.0.9+9"));
        assertNotEquals(a, LocalAgentLauncher.archiveFor(jar, "/usr/lib/jvm/java-17", "17.0.10+7"), "another JVM build");
        assertNotEquals(a, LocalAgentLauncher.archiveFor(jar, "/opt/jdk-17", "17.0.9+9"), "another java");
        assertNotEquals(a, LocalAgentLauncher.archiveFor(cache.resolve("jplay-agent-fedcba9876543210.jar"), "/usr/lib/jvm/java-17",
                "17.0.9+9"), "another agent build");
    }

    @Test
    void anArchiveOlderThanItsJarIsDeletedToBeRecordedAgain() throws Exception {
        Path jar = Files.writeString(cache.resolve("jplay-agent-0123456789abcdef.jar"), "jar");
        Path archive = Files.writeString(cache.resolve("jplay-agent-0123456789abcdef.jar.x.jsa"), "archive");
        assertFalse(LocalAgentLauncher.usableArchive(cache.resolve("absent.jsa"), jar));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(archive, FileTime.fromMillis(1_000_000));
        assertTrue(LocalAgentLauncher.usableArchive(archive, jar), "recorded with this jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(2_000_000)); // the jar was written again after the archive
        assertFalse(LocalAgentLauncher.usableArchive(archive, jar));
        assertFalse(Files.exists(archive), "a stale archive would be ignored by the JVM at every start: deleted");
    }

    private static List<String> arguments(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(List::of).orElse(List.of());
    }
}
