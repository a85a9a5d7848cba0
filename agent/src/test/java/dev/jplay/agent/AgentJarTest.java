package dev.jplay.agent;

import dev.jplay.protocol.AgentLaunch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.protocol.AgentCodec;
import dev.jplay.protocol.AgentRequest;
import dev.jplay.protocol.AgentResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real shaded jar in its own JVM, started the way the SSH layer will ({@link AgentLaunch}). Runs in the
 * package phase (see agent/pom.xml), right after the jar is built.
 */
@Timeout(120)
class AgentJarTest {
    static final Path JAR = Path.of("target/jplay-agent.jar").toAbsolutePath();
    static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Process launch(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("agent-stderr.txt").toFile()).start();
        started.add(p);
        return p;
    }

    /**
     * Starts the agent the way the SSH layer does ({@link AgentLaunch#startScript}), from a copy of the jar in the
     * test's directory: its archive is {@code <copy>.jsa}.
     */
    private Process launchShell(String java, Path jarCopy) throws Exception {
        if (!Files.exists(jarCopy)) Files.copy(JAR, jarCopy);
        return launch(List.of("sh", "-c", "J=" + AgentLaunch.quote(jarCopy.toString()) + "\n"
                + AgentLaunch.startScript(AgentLaunch.quote(java), List.of("--state-dir", dir.resolve("state").toString()))));
    }

    private static void send(OutputStream in, AgentRequest req) throws Exception {
        in.write(AgentCodec.encode(req));
        in.flush();
    }

    private static AgentResult read(BufferedReader out) throws Exception {
        String line = out.readLine();
        assertTrue(line != null, "agent closed stdout");
        return AgentCodec.parseResult(line, id -> true);
    }

    @Test
    void jarHasNoJacksonDatabind() throws Exception {
        // databind would cost every agent ~520 loaded classes and 1.4 MB of upload; JSON goes through runtime.json.Json.
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(JAR.toFile())) {
            List<String> databind = zip.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.startsWith("com/fasterxml/jackson/databind/")).toList();
            assertEquals(List.of(), databind);
            assertTrue(zip.getEntry("dev/jplay/protocol/Json.class") != null);
        }
    }

    @Test
    void minimizedJarKeepsAgentLaunch() throws Exception {
        // bench/images.sh reads the agent's flags from this jar's AgentLaunch (and runs PullUnpack from the tools
        // module's jar, tested by ToolsJarTest); minimizeJar must not drop it.
        Process p = launch(List.of("java", "-cp", JAR.toString(), AgentLaunch.class.getName()));
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(String.join(" ", AgentLaunch.JVM_FLAGS), printed);
    }

    @Test
    void servesPipelinedRequestsExitsOnEofAndBuildsItsCdsArchive() throws Exception {
        Path jar = dir.resolve("agent.jar");
        Path archive = dir.resolve("agent.jar.jsa");
        for (int launch = 1; launch <= 2; launch++) {
            Process agent = launchShell("java", jar);
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            Map<?, ?> hello = JSON.readValue(out.readLine(), Map.class); // nothing, not even a JVM warning, before it
            assertEquals("hello", hello.get("type"));
            OutputStream in = agent.getOutputStream();
            int n = 8;
            for (int i = 0; i < n; i++) {
                send(in, AgentRequest.run(i, "shell", Map.of("cmd", "sleep 0.4; echo $N-" + i), false, false,
                        null, Map.of("N", "n")));
            }
            send(in, AgentRequest.run(100, "command", Map.of("argv", List.of("false")), false, false, null, null));
            in.close(); // EOF right away: in-flight requests still finish
            Map<Long, AgentResult> results = new HashMap<>();
            long start = System.nanoTime();
            for (int i = 0; i <= n; i++) {
                AgentResult r = read(out);
                results.put(r.id(), r);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            for (long i = 0; i < n; i++) assertEquals("n-" + i, results.get(i).stdout());
            assertEquals(1, results.get(100L).rc());
            assertEquals("failed", results.get(100L).status());
            assertTrue(ms < n * 400 / 2, "pipelined requests ran concurrently: " + ms + " ms");
            assertEquals(null, out.readLine(), "nothing after the results");
            assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "agent exited after EOF");
            assertEquals(0, agent.exitValue());
            assertTrue(Files.size(archive) > 100_000, "CDS archive written by the first run");
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of("agent.jar.jsa"), s.map(p -> p.getFileName().toString()).filter(f -> f.contains("jsa"))
                    .toList(), "no temp archive left");
        }
    }

    @Test
    void killingTheAgentKillsTheProcessesItsTasksStarted() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(AgentLaunch.javaArgs(JAR.toString()));
        Process agent = launch(cmd);
        BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("hello", JSON.readValue(out.readLine(), Map.class).get("type"));
        Path pidFile = dir.resolve("pid");
        send(agent.getOutputStream(), AgentRequest.run(1, "shell", Map.of("cmd", "sleep 300 & echo $! > " + pidFile
                + "; wait"), false, false, null, null));
        long deadline = System.currentTimeMillis() + 10_000;
        while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        long sleeper = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(ProcessHandle.of(sleeper).isPresent());
        agent.destroy(); // SIGTERM, as when the SSH session is torn down
        assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
        deadline = System.currentTimeMillis() + 5_000;
        while (ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), "orphan " + sleeper
                + ", agent stderr: " + Files.readString(dir.resolve("agent-stderr.txt")));
    }

    static boolean jdk25Installed() { return Files.isExecutable(JDK25); }

    @Test
    @EnabledIf("jdk25Installed")
    void theSameLaunchWorksOnJdk25() throws Exception {
        Path jar = dir.resolve("agent25.jar");
        Path archive = dir.resolve("agent25.jar.jsa");
        for (int launch = 1; launch <= 2; launch++) {
            Process agent = launchShell(JDK25.toString(), jar);
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            Map<?, ?> hello = JSON.readValue(out.readLine(), Map.class);
            assertTrue(((String) hello.get("java")).startsWith("25"), hello.toString());
            send(agent.getOutputStream(), AgentRequest.run(1, "ping", Map.of(), false, false, null, null));
            assertEquals("pong", read(out).data().get("ping"));
            agent.getOutputStream().close();
            assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
            assertTrue(Files.exists(archive));
        }
    }
}
