package dev.jplay.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleRegistry;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.AgentError;
import dev.jplay.protocol.AgentRequest;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent: reads one JSON request per line on stdin, runs the module, writes one JSON result per line on
 * stdout. Exits when stdin closes, so it never outlives the controller's SSH channel.
 */
public final class AgentMain {
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final ModuleRegistry registry;
    private final Path stateDir;
    private final OutputStream out;
    private final ConcurrentMap<String, Object> agentState = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jplay-agent-worker");
        t.setDaemon(true);
        return t;
    });

    AgentMain(ModuleRegistry registry, Path stateDir, OutputStream out) {
        this.registry = registry;
        this.stateDir = stateDir;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        Path stateDir = null;
        for (int i = 0; i < args.length; i++) {
            if ("--state-dir".equals(args[i]) && i + 1 < args.length) stateDir = Path.of(args[++i]);
        }
        if (stateDir == null) stateDir = Path.of(System.getProperty("user.home"), ".jplay", "state");
        // Module code must never write to stdout: that is the protocol channel.
        PrintStream protocolOut = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        new AgentMain(ModuleRegistry.standard(), stateDir, protocolOut).serve(System.in);
        System.exit(0);
    }

    void serve(java.io.InputStream in) throws IOException {
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("protocol", Protocol.VERSION);
        hello.put("java", System.getProperty("java.version"));
        hello.put("pid", ProcessHandle.current().pid());
        hello.put("modules", registry.names());
        write(hello);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank()) continue;
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (IOException e) {
                write(failure(-1, new AgentError("agent", "BAD_REQUEST", "unparseable request: " + e.getMessage(), null), 0));
                continue;
            }
            String type = node.path("type").asText("");
            if ("bye".equals(type)) break;
            if (!"run".equals(type)) {
                write(failure(node.path("id").asLong(-1), new AgentError("agent", "BAD_REQUEST", "unknown request type '" + type + "'", null), 0));
                continue;
            }
            AgentRequest req = json.treeToValue(node, AgentRequest.class);
            workers.submit(() -> write(execute(req)));
        }
        // stdin closed: finish what is in flight (its results may still be read), then exit.
        workers.shutdown();
        try {
            workers.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    AgentResult execute(AgentRequest req) {
        long start = System.nanoTime();
        TaskModule module = registry.get(req.module());
        if (module == null) {
            return failure(req.id(), new AgentError("args", "MODULE_UNKNOWN",
                    "no module named '" + req.module() + "' (agent has: " + String.join(", ", registry.names()) + ")", null), 0);
        }
        ModuleContext ctx = new ModuleContext(req.check(), req.diff(),
                req.timeoutMs() == null ? null : Duration.ofMillis(req.timeoutMs()),
                req.env() == null ? Map.of() : req.env(), stateDir, agentState);
        try {
            ModuleResult r = module.run(new ModuleArgs(req.module(), req.args()), ctx);
            return r.toAgentResult(req.id(), elapsedMs(start));
        } catch (ModuleException e) {
            return failure(req.id(), e.toError(), elapsedMs(start));
        } catch (RuntimeException | Error e) {
            return failure(req.id(), new AgentError("exec", "MODULE_CRASH", req.module() + " crashed: " + e,
                    Map.of("exception", e.getClass().getName())), elapsedMs(start));
        }
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static AgentResult failure(long id, AgentError error, long durationMs) {
        return new AgentResult("result", id, "failed", false, null, null, null, error.message(), null, null, error, durationMs);
    }

    private synchronized void write(Object message) {
        try {
            byte[] bytes = json.writeValueAsBytes(message);
            out.write(bytes);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // The controller is gone: nothing to report to, so stop.
            System.exit(3);
        }
    }

    static void ensurePrivateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
    }
}
