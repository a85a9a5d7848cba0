package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.cli.CliRun;
import dev.jplay.protocol.Step;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts without Java, like fresh cloud VMs (the fleet's bare profile, login user {@code debian}): {@code jplay apply}
 * pushes a runtime made for the agent once per host and runs tasks on it; the next run pushes nothing. A runtime
 * for another platform is refused before anything is uploaded, and leftovers of an interrupted upload are not used.
 * Hosts 1-2: the apply runs; host 3: the platform check; host 4: the interrupted upload; host 5: an old Java;
 * host 6: a runtime from another JDK than the controller's.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class AgentRuntimePushIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestFleet fleet;

    @TempDir
    Path work;

    @BeforeAll
    static void up() {
        fleet = TestFleet.startBare(AgentRuntimePushIT.class, 6);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    private Path inventory(int... hosts) throws Exception {
        StringBuilder yaml = new StringBuilder("all:\n  vars:\n    ansible_user: " + fleet.user()
                + "\n    ansible_ssh_private_key_file: " + fleet.clientKey() + "\n  hosts:\n");
        for (int i : hosts) yaml.append("    ").append(fleet.name(i)).append(": {ansible_host: ").append(fleet.address(i)).append("}\n");
        return Files.writeString(work.resolve("inventory.yml"), yaml.toString());
    }

    private record Applied(CliRun cli, RunReport report, List<JsonNode> pushes, long millis) {}

    private Applied apply(Path playbook, Path inventory) throws Exception {
        Path runDir = Files.createTempDirectory(work, "run");
        long start = System.nanoTime();
        CliRun cli = CliRun.of("apply", playbook.toString(), "-i", inventory.toString(), "--known-hosts",
                fleet.knownHosts().toString(), "--report-dir", runDir.toString(), "--state-dir", "/tmp/jplay-state");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<JsonNode> pushes = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve(ReportFiles.EVENTS))) {
            JsonNode e = JSON.readTree(line);
            if (e.get("event").asText().equals("runtime_pushed")) pushes.add(e);
        }
        return new Applied(cli, ReportFiles.read(runDir.resolve(ReportFiles.REPORT)), pushes, millis);
    }

    @Test
    void applyPushesTheRuntimeOncePerHostAndTheNextRunPushesNothing() throws Exception {
        Path inventory = inventory(1, 2);
        Path playbook = Files.writeString(work.resolve("pb.yml"),
                "- hosts: all\n  tasks:\n    - ping:\n    - command: uname -n\n");
        Applied first = apply(playbook, inventory);
        assertEquals(0, first.cli().exit(), first.cli().out() + first.cli().err());
        assertEquals(List.of(fleet.name(1), fleet.name(2)), first.pushes().stream().map(e -> e.get("host").asText()).sorted().toList(),
                "one runtime_pushed event per host");
        for (int i = 1; i <= 2; i++) {
            String host = fleet.name(i);
            assertTrue(first.cli().out().contains("java runtime pushed to " + host + ": "), first.cli().out());
            TaskOutcome uname = first.report().results().stream()
                    .filter(o -> o.host().equals(host) && o.module().equals("command")).findFirst().orElseThrow();
            assertEquals(host, uname.stdout().strip(), "uname -n ran on the host itself");
        }
        JsonNode push = first.pushes().get(0);
        long bytes = push.get("bytes").asLong();
        assertTrue(bytes > 5_000_000 && bytes < 40_000_000, "a runtime of the agent's modules only: " + bytes + " bytes");
        // On the host: one runtime, in the login user's private directory (unpacked under umask 077), complete.
        String listing = fleet.exec(1, "sh", "-c", "cd /home/debian/.jplay/runtime && ls -A && stat -c '%a %U' . .. "
                + push.get("dir").asText() + "/bin/java");
        assertEquals(List.of(push.get("dir").asText(), "700 debian", "700 debian", "700 debian"), List.of(listing.strip().split("\n")));
        // The JVM's base class-data archive came made in the runtime (its time is the packed one, 0), not dumped on the
        // host; the one for JVMs without compressed oops is neither shipped nor dumped on a host of this size.
        String server = fleet.exec(1, "sh", "-c", "cd /home/debian/.jplay/runtime/" + push.get("dir").asText()
                + "/lib/server && stat -c '%n %Y' *.jsa");
        assertEquals("classes.jsa 0", server.strip());

        Applied second = apply(playbook, inventory);
        assertEquals(0, second.cli().exit(), second.cli().out() + second.cli().err());
        assertEquals(List.of(), second.pushes(), "the hosts keep their runtime");
        assertTrue(!second.cli().out().contains("java runtime pushed"), second.cli().out());
        assertTrue(second.millis() < first.millis(), "second run " + second.millis() + " ms, first " + first.millis() + " ms");
        System.out.printf("runtime push: first apply %d ms (%s), second apply %d ms%n", first.millis(), push, second.millis());
    }

    private SshSettings settings() {
        return SshSettings.defaults().withKnownHosts(fleet.knownHosts()).withConnectTimeout(Duration.ofSeconds(5));
    }

    @Test
    void aRuntimeForAnotherPlatformIsRefusedNamingBothAndHowToFixIt() throws Exception {
        AgentRuntimeBuilder aarch64 = AgentRuntimeBuilder.fromEnvironment().pretendingPlatform(new HostPlatform("Linux", "aarch64", "gnu"));
        try (Connections c = Connections.builder().ssh(settings()).runtimes(aarch64).build()) {
            ConnectionException e = assertThrows(ConnectionException.class, () -> c.session(fleet.target(3)));
            assertEquals(Step.AGENT, e.step());
            assertEquals("RUNTIME_MISMATCH", e.code());
            String m = e.getMessage();
            assertTrue(m.contains(fleet.name(3)) && m.contains("the host has no Java") && m.contains("Linux x86_64 gnu")
                    && m.contains("Linux aarch64 gnu") && m.contains("architecture x86_64 vs aarch64")
                    && m.contains("jplay_java: /path/to/java") && m.contains(AgentRuntimeBuilder.JDK_ENV), m);
            assertEquals(0, c.runtimeUploads());
        }
        assertEquals("none", fleet.exec(3, "sh", "-c", "ls -A /home/debian/.jplay/runtime 2>/dev/null | grep . || echo none").strip(),
                "nothing uploaded");
    }

    @Test
    void leftoversOfAnInterruptedUploadAreNotUsedAndAreReplaced() throws Exception {
        AgentRuntimeBuilder runtimes = AgentRuntimeBuilder.fromEnvironment();
        String dir = runtimes.get().dirName();
        // What a run killed mid-upload two hours ago left: a truncated archive and a half-unpacked directory whose
        // java would answer garbage.
        String d = "/home/debian/.jplay/runtime";
        String temp = d + "/." + dir + ".0123456789ab.tar.gz.tmp";
        fleet.exec(4, "sh", "-c", "set -e; mkdir -p " + temp + ".d/bin; head -c 100000 /dev/zero > " + temp
                + "; printf '#!/bin/sh\\necho garbage\\n' > " + temp + ".d/bin/java; chmod 755 " + temp + ".d/bin/java;"
                + " chmod 700 /home/debian/.jplay " + d + "; chown -R debian:debian /home/debian/.jplay;"
                + " touch -d '2 hours ago' " + temp + " " + temp + ".d");
        try (Connections c = Connections.builder().ssh(settings()).runtimes(runtimes).build()) {
            AgentSession s = c.session(fleet.target(4));
            assertEquals("ok", s.call("ping", Map.of()).get(60, TimeUnit.SECONDS).status());
            assertEquals(1, c.runtimeUploads());
            StartupReport.RuntimePush push = s.startup().runtime();
            assertEquals(dir, push.dir());
            // The host has no other Java: the agent runs on the runtime made from this JVM's JDK.
            assertEquals(System.getProperty("java.version"), s.hello().javaVersion());
            assertEquals(1, fleet.pgrep(4, "/home/debian/.jplay/runtime/" + dir + "/bin/java").size());
            System.out.println("runtime push to one bare host: " + push.describe() + "; agent " + s.hello().javaVersion()
                    + ", startup " + s.startup());
        }
        assertEquals(dir, fleet.exec(4, "ls", "-A", d).strip(), "the leftovers are gone, the runtime is in place");
        // The first agent on the runtime writes its class archive as it exits, named for the runtime (an archive maps
        // only into the JVM that wrote it): seconds on a busy machine.
        String archive = "/home/debian/.jplay/agent/" + AgentJar.embedded().fileName() + "." + dir + ".jsa";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!fleet.exec(4, "sh", "-c", "[ -f " + archive + " ] && echo yes || echo no").strip().equals("yes")
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("yes", fleet.exec(4, "sh", "-c", "[ -f " + archive + " ] && echo yes || echo no").strip(), archive);
        // Measured: agent hello on the pushed runtime, a second connection (its CDS archive was written on exit).
        try (Connections c = Connections.builder().ssh(settings()).runtimes(runtimes).build()) {
            AgentSession s = c.session(fleet.target(4));
            assertEquals(null, s.startup().runtime());
            System.out.println("second connection to host 4: " + s.startup());
        }
    }

    /** A java on the PATH that does not tell its version in a release file and turns out too old: a runtime is pushed. */
    @Test
    void anOldJavaWithoutAReleaseFileGetsARuntimePushed() throws Exception {
        // Java 11's answer to the agent's class files, from a java the start script cannot date beforehand.
        fleet.exec(5, "sh", "-c", "printf '%s\\n' '#!/bin/sh' 'echo \"Error: LinkageError occurred while loading main class"
                + " dev.jplay.agent.AgentMain: java.lang.UnsupportedClassVersionError: ... this version of the Java Runtime only"
                + " recognizes class file versions up to 55.0\" >&2' 'exit 1' > /usr/local/bin/java && chmod 755 /usr/local/bin/java");
        try (Connections c = Connections.builder().ssh(settings()).build()) {
            AgentSession s = c.session(fleet.target(5));
            assertEquals("ok", s.call("ping", Map.of()).get(60, TimeUnit.SECONDS).status());
            assertEquals(1, c.runtimeUploads());
            assertEquals(System.getProperty("java.version"), s.hello().javaVersion());
        }
    }

    /**
     * {@value AgentRuntimeBuilder#JDK_ENV} names another JDK to make runtimes from: here a JDK 25 without jmods (jlink
     * links from its run-time image), when this machine has one.
     */
    @Test
    void aRuntimeFromAnotherJdkRunsTheAgent() throws Exception {
        Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jdk25.resolve("bin/jlink")), "no JDK 25 here");
        AgentRuntimeBuilder runtimes = new AgentRuntimeBuilder(jdk25, work.resolve("cache"));
        try (Connections c = Connections.builder().ssh(settings()).runtimes(runtimes).build()) {
            AgentSession s = c.session(fleet.target(6));
            assertEquals("ok", s.call("ping", Map.of()).get(60, TimeUnit.SECONDS).status());
            assertTrue(s.hello().javaVersion().startsWith("25"), s.hello().javaVersion());
            System.out.println("runtime from JDK 25 pushed: " + s.startup().runtime().describe());
        }
    }
}
