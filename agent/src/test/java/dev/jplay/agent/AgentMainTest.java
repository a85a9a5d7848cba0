package dev.jplay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.modules.ModuleRegistry;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.AgentCodec;
import dev.jplay.protocol.AgentRequest;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Step;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link AgentMain#serve} in-process; results are read back with the controller's codec. */
@Timeout(60)
class AgentMainTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private List<String> serve(ModuleRegistry registry, int maxLine, String... lines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String input = String.join("\n", lines) + "\n";
        new AgentMain(registry, dir, out, "test-id", maxLine)
                .serve(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
    }

    static String run(long id, String module, Map<String, Object> args) throws Exception {
        return new String(AgentCodec.encode(AgentRequest.run(id, module, args, false, false, null, null)), StandardCharsets.UTF_8).strip();
    }

    static Map<Long, AgentResult> results(List<String> lines) throws Exception {
        Map<Long, AgentResult> byId = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            AgentResult r = AgentCodec.parseResult(l, id -> true); // strict: unknown fields fail
            byId.put(r.id(), r);
        }
        return byId;
    }

    @Test
    void helloThenResultsReadableByTheControllersRecords() throws Exception {
        Path f = dir.resolve("f");
        List<String> lines = serve(ModuleRegistry.standard(), 1 << 20,
                run(1, "ping", Map.of()),
                run(2, "copy", Map.of("dest", f.toString(), "content", "x\ny\n")),
                run(3, "shell", Map.of("cmd", "echo out; echo err >&2; exit 4")),
                run(4, "nope", Map.of()));
        Map<?, ?> hello = JSON.readValue(lines.get(0), Map.class);
        assertEquals("hello", hello.get("type"));
        assertEquals("test-id", hello.get("agent"));
        assertEquals(ProcessHandle.current().pid(), ((Number) hello.get("pid")).longValue());
        assertTrue(((List<?>) hello.get("modules")).containsAll(List.of("command", "shell", "copy", "file", "stat",
                "wait_for", "ping")));
        Map<Long, AgentResult> r = results(lines);
        assertEquals(4, r.size());
        assertEquals("pong", r.get(1L).data().get("ping"));
        assertEquals("changed", r.get(2L).status());
        assertEquals("x\ny\n", Files.readString(f));
        assertEquals(4, r.get(3L).rc());
        assertEquals("failed", r.get(3L).status());
        assertEquals("out", r.get(3L).stdout());
        assertEquals("err", r.get(3L).stderr());
        assertEquals("MODULE_UNKNOWN", r.get(4L).error().code());
    }

    @Test
    void badLinesHugeLinesAndCrashesAreAnsweredAndTheStreamGoesOn() throws Exception {
        TaskModule crashing = new TaskModule() {
            @Override public String name() { return "crash"; }
            @Override public ModuleResult run(dev.jplay.modules.ModuleArgs a, dev.jplay.modules.ModuleContext c) {
                throw new IllegalStateException("boom");
            }
        };
        TaskModule unserialisable = new TaskModule() {
            @Override public String name() { return "weird"; }
            @Override public ModuleResult run(dev.jplay.modules.ModuleArgs a, dev.jplay.modules.ModuleContext c) {
                return ModuleResult.ok().put("path", dir).build();
            }
        };
        TaskModule unwritable = new TaskModule() {
            @Override public String name() { return "unwritable"; }
            @Override public ModuleResult run(dev.jplay.modules.ModuleArgs a, dev.jplay.modules.ModuleContext c) {
                return ModuleResult.ok().put("self", new Object()).build();
            }
        };
        ModuleRegistry registry = ModuleRegistry.standard().add(crashing).add(unserialisable).add(unwritable);
        String huge = run(9, "ping", Map.of("data", "x".repeat(5000)));
        List<String> lines = serve(registry, 1000,
                "{not json",
                huge,
                "{\"type\":\"run\",\"id\":5,\"module\":\"ping\",\"args\":[1]}",
                "",
                run(6, "crash", Map.of()),
                run(7, "weird", Map.of()),
                run(10, "unwritable", Map.of()),
                run(8, "ping", Map.of("data", "still here")));
        assertEquals(8, lines.size(), lines.toString());
        List<AgentResult> all = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) all.add(AgentCodec.parseResult(l, id -> true));
        assertEquals("BAD_REQUEST", all.get(0).error().code());
        assertEquals(-1, all.get(0).id());
        assertTrue(all.get(1).error().message().contains("longer than 1000"), all.get(1).toString());
        assertEquals(5, all.get(2).id());
        assertTrue(all.get(2).error().message().contains("args"));
        Map<Long, AgentResult> r = results(lines);
        assertEquals("MODULE_CRASH", r.get(6L).error().code());
        assertTrue(r.get(6L).error().message().contains("boom"));
        // Module results are plain JSON values: a Path is refused, naming where it was.
        assertEquals("RESULT_UNWRITABLE", r.get(7L).error().code());
        assertTrue(r.get(7L).error().message().contains("UnixPath at data.path as JSON"), r.get(7L).error().message());
        assertEquals("still here", r.get(8L).data().get("ping"));
        assertEquals("RESULT_UNWRITABLE", r.get(10L).error().code());
    }

    static String run(long id, String module, Map<String, Object> args, long timeoutMs) throws Exception {
        return new String(AgentCodec.encode(AgentRequest.run(id, module, args, false, false, timeoutMs, null)), StandardCharsets.UTF_8).strip();
    }

    /**
     * A module stuck where no interrupt reaches it: open() of a FIFO nobody writes blocks in the kernel. The
     * watchdog answers TIMEOUT at the deadline + grace with the module's activity, the worker is abandoned, the
     * agent answers the next request and serve() returns without waiting for the stuck thread.
     */
    @Test
    void watchdogAnswersARequestStuckInAnUninterruptibleCallWithItsActivity() throws Exception {
        Path fifo = dir.resolve("never-written.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        List<Thread> stuck = new ArrayList<>();
        TaskModule reader = new TaskModule() {
            @Override public String name() { return "read_fifo"; }
            @Override public ModuleResult run(dev.jplay.modules.ModuleArgs a, dev.jplay.modules.ModuleContext c) {
                stuck.add(Thread.currentThread());
                c.activity().now(Step.FETCH, "opening " + fifo + " for reading");
                try (java.io.FileInputStream in = new java.io.FileInputStream(fifo.toFile())) {
                    return ModuleResult.ok().put("read", in.read()).build();
                } catch (java.io.IOException e) {
                    return ModuleResult.ok().failed(true).msg("unexpected: " + e).build();
                }
            }
        };
        long start = System.nanoTime();
        List<String> lines = serve(ModuleRegistry.standard().add(reader), 1 << 20,
                run(1, "read_fifo", Map.of(), 300),
                run(2, "ping", Map.of()));
        long ms = (System.nanoTime() - start) / 1_000_000;
        Map<Long, AgentResult> r = results(lines);
        assertEquals("pong", r.get(2L).data().get("ping"), "the agent served on");
        AgentResult timedOut = r.get(1L);
        assertEquals("failed", timedOut.status());
        assertEquals("TIMEOUT", timedOut.error().code());
        assertEquals("fetch", timedOut.error().step().id());
        assertEquals("opening " + fifo + " for reading", timedOut.error().detail().get("activity"));
        assertEquals(300, ((Number) timedOut.error().detail().get("timeout_ms")).intValue());
        assertEquals("task timeout", timedOut.error().detail().get("deadline"));
        assertTrue(timedOut.error().message().contains("within its 300 ms deadline"), timedOut.error().message());
        // answered at the deadline + the watchdog's grace, not when (never) the read returns
        long expected = 300 + AgentMain.WATCHDOG_GRACE.toMillis();
        assertTrue(ms >= expected && ms < expected + 3000, "took " + ms + " ms");
        assertTrue(stuck.get(0).isAlive(), "the worker is still blocked in open(): abandoned, not waited for");
        // let the abandoned worker go: its late result must be dropped (a writer opens the FIFO)
        try (java.io.FileOutputStream w = new java.io.FileOutputStream(fifo.toFile())) {
            w.write('x');
        }
        stuck.get(0).join(5000);
        assertFalse(stuck.get(0).isAlive());
    }

    @Test
    void watchdogKillsTheProcessTreesTheStuckRequestStarted() throws Exception {
        Path fifo = dir.resolve("sticks.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        dev.jplay.modules.command.StartsThenSticks module = new dev.jplay.modules.command.StartsThenSticks(fifo);
        AgentResult r = results(serve(ModuleRegistry.standard().add(module), 1 << 20,
                run(1, "starts_then_sticks", Map.of(), 200))).get(1L);
        assertEquals("TIMEOUT", r.error().code());
        assertEquals("opening " + fifo, r.error().detail().get("activity"));
        ProcessHandle shell = module.started.get(0);
        List<Long> killed = ((List<?>) r.error().detail().get("killed_pids")).stream().map(p -> ((Number) p).longValue()).toList();
        assertTrue(killed.contains(shell.pid()) && killed.size() == 2, "sh and its sleep: " + killed);
        for (Object pid : killed) {
            ProcessHandle p = ProcessHandle.of(((Number) pid).longValue()).orElse(null);
            if (p != null) assertTrue(p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS) != null && !p.isAlive(), "killed " + pid);
        }
        try (java.io.FileOutputStream w = new java.io.FileOutputStream(fifo.toFile())) {
            w.write('x'); // release the abandoned worker
        }
    }

    @Test
    void commandPastItsDeadlineIsKilledAndSaysWhatItRan() throws Exception {
        Path fifo = dir.resolve("cmd.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        List<String> lines = serve(ModuleRegistry.standard(), 1 << 20,
                run(1, "command", Map.of("argv", List.of("cat", fifo.toString())), 300));
        AgentResult r = results(lines).get(1L);
        assertEquals("TIMEOUT", r.error().code());
        assertEquals("exec", r.error().step().id());
        assertEquals("running cat " + fifo, r.error().detail().get("activity"));
        List<?> pids = (List<?>) r.error().detail().get("pids");
        for (Object pid : pids) {
            assertFalse(ProcessHandle.of(((Number) pid).longValue()).map(ProcessHandle::isAlive).orElse(false), "killed " + pid);
        }
    }

    @Test
    void aRequestWithoutTimeoutGetsItsModulesDefaultDeadline() throws Exception {
        TaskModule deadline = new TaskModule() {
            @Override public String name() { return "ping"; }
            @Override public ModuleResult run(dev.jplay.modules.ModuleArgs a, dev.jplay.modules.ModuleContext c) {
                return ModuleResult.ok().put("timeout_ms", c.timeout().toMillis()).build();
            }
        };
        Map<Long, AgentResult> r = results(serve(new ModuleRegistry().add(deadline), 1 << 20,
                run(1, "ping", Map.of()), run(2, "ping", Map.of(), 1234)));
        assertEquals(dev.jplay.protocol.ModuleDeadlines.defaultFor("ping").toMillis(), ((Number) r.get(1L).data().get("timeout_ms")).longValue());
        assertEquals(1234, ((Number) r.get(2L).data().get("timeout_ms")).longValue());
    }

    @Test
    void pipelinedRequestsRunConcurrentlyAndEofWaitsForThem() throws Exception {
        int n = 12;
        String[] reqs = new String[n];
        for (int i = 0; i < n; i++) reqs[i] = run(i, "shell", Map.of("cmd", "sleep 0.5; echo " + i));
        long start = System.nanoTime();
        List<String> lines = serve(ModuleRegistry.standard(), 1 << 20, reqs);
        long ms = (System.nanoTime() - start) / 1_000_000;
        Map<Long, AgentResult> r = results(lines);
        assertEquals(n, r.size());
        for (long i = 0; i < n; i++) assertEquals(String.valueOf(i), r.get(i).stdout());
        assertTrue(ms < n * 500 / 2, "ran concurrently: " + ms + " ms");
        assertFalse(lines.stream().anyMatch(String::isBlank));
    }

    @Test
    void byeStopsReadingFurtherRequests() throws Exception {
        List<String> lines = serve(ModuleRegistry.standard(), 1 << 20, run(1, "ping", Map.of()),
                "{\"type\":\"bye\"}", run(2, "ping", Map.of()));
        assertEquals(2, lines.size());
        assertEquals(1, AgentCodec.parseResult(lines.get(1), id -> true).id());
    }
}
