package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.protocol.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** The thin runc wrapper against the real binary. Needs root. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class RuncRuntimeIntegrationTest {
    @TempDir Path tmp;
    private RuncRuntime runtime;

    @AfterEach
    void cleanUp() {
        if (runtime != null && runtime.state("rt").isPresent()) runtime.delete("rt", true);
    }

    @Test
    void versionOfTheInstalledRunc() {
        runtime = RuncRuntime.under(tmp);
        RuncVersion version = runtime.version();
        assertTrue(version.upstream().matches("\\d+\\.\\d+\\.\\d+.*"), version.toString());
        assertTrue(version.spec().startsWith("1."), version.toString());
        assertEquals(tmp.resolve("runc"), runtime.root());
    }

    @Test
    void createStartKillDeleteWithState() throws Exception {
        runtime = RuncRuntime.under(tmp);
        Path rootfs = BusyboxRootfs.create(tmp.resolve("rootfs"));
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        var config = new OciConfigGenerator().generate(ContainerSpec.builder("rt").command("sleep", "1000").build(),
                ImageConfig.EMPTY, rootfs);
        new ObjectMapper().writeValue(bundle.resolve("config.json").toFile(), config);

        runtime.create("rt", bundle, bundle.resolve("out.log"), bundle.resolve("err.log"));
        RuncState created = runtime.state("rt").orElseThrow();
        assertEquals("created", created.status());
        assertTrue(RuncStateFile.running(runtime.root().resolve("rt")).isEmpty(), "created is not running: runc decides");
        assertEquals(bundle.toString(), created.bundle());
        assertEquals(List.of("rt"), runtime.list().stream().map(RuncState::id).toList());

        runtime.start("rt");
        RuncState running = runtime.state("rt").orElseThrow();
        assertTrue(running.isRunning());
        assertTrue(running.pid() > 0);
        // runc start returns once the container's init was told to exec: the exec itself may land a moment later
        // (until then the state file reader rightly says "not running yet": the pid is still runc init)
        Path cmdline = Path.of("/proc", String.valueOf(running.pid()), "cmdline");
        long execDeadline = System.nanoTime() + 5_000_000_000L;
        while (!Files.readString(cmdline).startsWith("sleep") && System.nanoTime() < execDeadline) Thread.sleep(10);
        assertTrue(Files.readString(cmdline).startsWith("sleep"), () -> "cmdline: " + cmdline);
        // read from runc's state file and /proc, without a spawn: the same answer as `runc state`
        RuncState fromFile = RuncStateFile.running(runtime.root().resolve("rt")).orElseThrow();
        RuncState fromRunc = runtime.stateFromRunc("rt").orElseThrow();
        assertEquals(new RuncState(fromRunc.id(), fromRunc.pid(), fromRunc.status(), fromRunc.bundle(), fromRunc.created()), fromFile);

        runtime.kill("rt", "KILL");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!"stopped".equals(runtime.state("rt").orElseThrow().status()) && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals("stopped", runtime.state("rt").orElseThrow().status());
        assertTrue(RuncStateFile.running(runtime.root().resolve("rt")).isEmpty(), "a killed init is not running");

        runtime.delete("rt", false);
        assertTrue(runtime.state("rt").isEmpty());
        assertEquals(List.of(), runtime.list());
    }

    @Test
    void failuresCarryRuncsExitCodeAndMessage() {
        runtime = RuncRuntime.under(tmp);
        LaunchException e = assertThrows(LaunchException.class, () -> runtime.kill("nope", "TERM"));
        assertEquals(Step.STOP, e.step());
        assertEquals("RUNTIME_FAILED", e.code());
        assertEquals(1, e.detail().get("runtime_exit_code"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void missingBinaryIsReported() {
        runtime = new RuncRuntime(tmp.resolve("no-runc"), tmp.resolve("root"));
        LaunchException e = assertThrows(LaunchException.class, runtime::version);
        assertEquals("RUNTIME_NOT_FOUND", e.code());
        assertTrue(e.getMessage().contains(tmp.resolve("no-runc").toString()));
        runtime = null;
    }
}
