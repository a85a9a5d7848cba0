package dev.jplay.modules.waitfor;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class WaitForModuleTest {
    @TempDir Path dir;
    private final WaitForModule waitFor = new WaitForModule();

    @Test
    void portStartedAndStopped() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
            ModuleResult r = waitFor.run(args("wait_for", "port", port, "timeout", 5), Contexts.normal());
            assertEquals("started", r.data().get("state"));
        }
        ModuleResult stopped = waitFor.run(args("wait_for", "port", port, "state", "stopped", "timeout", 5),
                Contexts.normal());
        assertEquals("stopped", stopped.data().get("state"));
        ModuleException timeout = assertThrows(ModuleException.class, () -> waitFor.run(args("wait_for",
                "port", port, "timeout", 0.3, "sleep", 0.05), Contexts.normal()));
        assertEquals("exec", timeout.step().id());
        assertEquals("TIMEOUT", timeout.code());
        assertTrue(timeout.getMessage().contains("127.0.0.1:" + port), timeout.getMessage());
    }

    @Test
    void fileAppearingWithMatchingContent() throws Exception {
        Path log = dir.resolve("app.log");
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            later.schedule(() -> Files.writeString(log, "starting\n"), 200, TimeUnit.MILLISECONDS);
            later.schedule(() -> Files.writeString(log, "starting\nlistening on port 8080\n"), 600,
                    TimeUnit.MILLISECONDS);
            ModuleResult r = waitFor.run(args("wait_for", "path", log.toString(), "search_regex",
                    "listening on port (\\d+)", "sleep", 0.05, "timeout", 10), Contexts.normal());
            assertEquals(List.of("8080"), r.data().get("match_groups"));
            assertTrue(((Double) r.data().get("elapsed")) >= 0.5, r.data().toString());
        } finally {
            later.shutdownNow();
        }
        Files.delete(log);
        assertEquals("absent", waitFor.run(args("wait_for", "path", log.toString(), "state", "absent"),
                Contexts.normal()).data().get("state"));
        ModuleException e = assertThrows(ModuleException.class, () -> waitFor.run(args("wait_for", "path",
                log.toString(), "timeout", 0.2, "sleep", 0.05), Contexts.normal()));
        assertEquals("TIMEOUT", e.code());
        assertTrue(e.getMessage().contains(log.toString()));
    }

    @Test
    void argumentErrors() {
        assertEquals("ARG_MISSING", assertThrows(ModuleException.class,
                () -> waitFor.run(args("wait_for", "timeout", 1), Contexts.normal())).code());
        assertEquals("ARG_UNKNOWN", assertThrows(ModuleException.class,
                () -> waitFor.run(args("wait_for", "port", 22, "hots", "x"), Contexts.normal())).code());
        assertEquals("ARG_TYPE", assertThrows(ModuleException.class,
                () -> waitFor.run(args("wait_for", "port", 22, "timeout", "soon"), Contexts.normal())).code());
    }
}
