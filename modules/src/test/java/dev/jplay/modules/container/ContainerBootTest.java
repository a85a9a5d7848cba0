package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.ModuleContext;
import dev.jplay.runtime.launch.BootUnit;
import dev.jplay.runtime.network.FleetService;
import dev.jplay.runtime.network.HostNetworkRecords;
import dev.jplay.runtime.network.RouteDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerBootTest {
    @TempDir Path tmp;

    @Test
    void aJavaOnlyRootCanChangeIsUsedInPlaceAnyOtherIsCopiedOnce() throws Exception {
        Path systemJava = Path.of(System.getProperty("java.home")).toRealPath();
        if (ContainerBoot.rootOnly(systemJava.resolve("bin/java").toRealPath())) {
            assertEquals(systemJava, ContainerBoot.bootJava(systemJava, tmp.resolve("boot")));
        }
        // A runtime like one jplay pushed into a login user's home: named by its hash, owned by that user.
        Path pushed = Files.createDirectories(tmp.resolve("home/debian/.jplay/runtime/0123456789abcdef/bin"));
        Path java = Files.writeString(pushed.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(Files.createDirectories(pushed.getParent().resolve("lib")).resolve("modules"), "x");
        Path home = pushed.getParent();
        assertFalse(ContainerBoot.rootOnly(java), "under /tmp (1777): not root's alone");

        Path copy = ContainerBoot.bootJava(home, tmp.resolve("boot"));
        assertEquals(tmp.resolve("boot/runtime/0123456789abcdef"), copy);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("bin/java"))));
        assertEquals("x", Files.readString(copy.resolve("lib/modules")));
        long made = Files.getLastModifiedTime(copy.resolve("bin/java")).toMillis();
        Files.writeString(java, "#!/bin/sh\n# changed by its owner\n");
        assertEquals(copy, ContainerBoot.bootJava(home, tmp.resolve("boot")));
        assertEquals("#!/bin/sh\n", Files.readString(copy.resolve("bin/java")), "the copy is made once and not followed");
        assertEquals(made, Files.getLastModifiedTime(copy.resolve("bin/java")).toMillis());
    }

    @Test
    void theAgentJarIsCopiedWhenAnotherBuildRuns() throws Exception {
        Path boot = Files.createDirectories(tmp.resolve("boot"));
        Path v1 = Files.writeString(tmp.resolve("jplay-agent-1111111111111111.jar"), "one");
        Path v2 = Files.writeString(tmp.resolve("jplay-agent-2222222222222222.jar"), "two");
        Path target = ContainerBoot.copyJar(v1, boot);
        assertEquals(boot.resolve("agent.jar"), target);
        assertEquals("one", Files.readString(target));
        Files.writeString(v1, "same name, so the same build: not read again");
        assertEquals("one", Files.readString(ContainerBoot.copyJar(v1, boot)));
        assertEquals("two", Files.readString(ContainerBoot.copyJar(v2, boot)));
    }

    @Test
    void commandRunsTheRestoreMainOnTheStateDirectory() throws Exception {
        Path jar = Files.writeString(tmp.resolve("jplay-agent-1111111111111111.jar"), "jar");
        Path state = tmp.resolve("state");
        List<String> command = ContainerBoot.command(state, Path.of(System.getProperty("java.home")), jar);
        assertTrue(command.get(0).endsWith("/bin/java"), command.toString());
        assertEquals(List.of("-cp", state.resolve("boot/agent.jar").toString(), ContainerBoot.RESTORE_MAIN, "--state-dir", state.toString()),
                command.subList(command.size() - 5, command.size()));
        assertTrue(command.contains("-XX:+UseSerialGC"), "the agent's JVM flags: " + command);
    }

    @Test
    void withoutSystemdAContainerWithARestartPolicyGetsAWarningAndNoUnit() throws Exception {
        Path state = tmp.resolve("state");
        markedContainer(state, "web-1");
        BootUnit unit = new BootUnit(tmp.resolve("etc/systemd/system"), tmp.resolve("run/systemd/system"), BootUnit.NAME);
        ContainerBoot.Outcome outcome = ContainerBoot.converge(ContainerHost.open(state), context(state, unit), "web-1");
        assertFalse(outcome.changed());
        assertEquals(List.of(ContainerBoot.NO_SYSTEMD), outcome.warnings());
        assertTrue(ContainerBoot.NO_SYSTEMD.contains("will not come back after a reboot"), ContainerBoot.NO_SYSTEMD);
        assertFalse(unit.installed());
    }

    @Test
    void theUnitGoesWhenNoContainerIsLeftToStartAtBoot() throws Exception {
        Path state = tmp.resolve("state");
        markedContainer(state, "web-1");
        markedContainer(state, "web-2");
        BootUnit unit = new BootUnit(tmp.resolve("etc/systemd/system"), tmp.resolve("run/systemd/system"), BootUnit.NAME);
        unit.install("[Unit]\n");
        ContainerHost host = ContainerHost.open(state);
        ModuleContext ctx = context(state, unit);

        Files.delete(state.resolve("containers/web-1/start_at_boot")); // web-1 stopped; web-2 still wants the unit
        assertFalse(ContainerBoot.converge(host, ctx, "web-1").changed());
        assertTrue(unit.installed());

        Files.delete(state.resolve("containers/web-2/start_at_boot"));
        assertTrue(ContainerBoot.converge(host, ctx, "web-2").changed(), "the last one takes the unit");
        assertFalse(unit.installed());
        assertFalse(ContainerBoot.converge(host, ctx, "web-2").changed());
    }

    @Test
    void recordedRoutesOrServicesKeepTheUnitAfterTheLastContainerAndTakeItWhenForgotten() throws Exception {
        Path state = tmp.resolve("state");
        markedContainer(state, "web-1");
        BootUnit unit = new BootUnit(tmp.resolve("etc/systemd/system"), tmp.resolve("run/systemd/system"), BootUnit.NAME);
        unit.install("[Unit]\n");
        ContainerHost host = ContainerHost.open(state);
        ModuleContext ctx = context(state, unit);
        HostNetworkRecords records = new HostNetworkRecords(state);
        records.recordService(new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5")));

        Files.delete(state.resolve("containers/web-1/start_at_boot"));
        assertFalse(ContainerBoot.converge(host, ctx, "web-1").changed());
        assertTrue(unit.installed(), "the service is to be restored at boot");
        assertFalse(ContainerBoot.convergeNetwork(ctx), "still recorded: nothing to change");

        records.forgetService("web");
        assertTrue(ContainerBoot.convergeNetwork(ctx), "the last record takes the unit");
        assertFalse(unit.installed());
        assertFalse(ContainerBoot.convergeNetwork(ctx));
    }

    @Test
    void withoutSystemdRecordsInstallNoUnit() throws Exception {
        Path state = tmp.resolve("state");
        BootUnit unit = new BootUnit(tmp.resolve("etc/systemd/system"), tmp.resolve("run/systemd/system"), BootUnit.NAME);
        new HostNetworkRecords(state).recordPool(new HostNetworkRecords.PoolRecord("10.77.0.0/24",
                List.of(new RouteDiff.Route("10.77.0.64/26", "192.168.1.12")), List.of()));
        assertFalse(ContainerBoot.convergeNetwork(context(state, unit)));
        assertFalse(unit.installed());
    }

    /** A container's bundle as far as the boot decision reads it: spec.json and the start_at_boot marker. */
    private static void markedContainer(Path state, String name) throws Exception {
        Path dir = Files.createDirectories(state.resolve("containers").resolve(name));
        Files.writeString(dir.resolve("spec.json"), "{}");
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("start_at_boot"), "always\n");
    }

    private static ModuleContext context(Path state, BootUnit unit) {
        ConcurrentHashMap<String, Object> agentState = new ConcurrentHashMap<>(Map.of(ContainerBoot.UNIT_KEY, unit));
        return new ModuleContext(false, false, null, Map.of(), state, agentState);
    }
}
