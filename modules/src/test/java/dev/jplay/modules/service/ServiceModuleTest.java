package dev.jplay.modules.service;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.command.ToolCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceModuleTest {
    @TempDir Path etc;
    private final ServiceModule service = ServiceModule.service();

    /** A service manager that records what it was asked to do. */
    static final class Fake implements ServiceManager {
        boolean active;
        boolean enabled;
        final List<String> calls = new ArrayList<>();

        @Override public String id() { return "fake"; }
        @Override public void requireExists(String name) throws ModuleException {
            if (!name.equals("web")) throw new ModuleException(dev.jplay.protocol.Step.EXEC, "SERVICE_NOT_FOUND", name);
        }
        @Override public boolean isActive(String name) { return active; }
        @Override public boolean isEnabled(String name) { return enabled; }
        @Override public void act(String name, String action) { calls.add(action); active = !action.equals("stop"); }
        @Override public void setEnabled(String name, boolean e) { calls.add(e ? "enable" : "disable"); enabled = e; }
        @Override public void daemonReload() { calls.add("daemon-reload"); }
        boolean masked;
        @Override public boolean isMasked(String name) { return masked; }
        @Override public void setMasked(String name, boolean m) { calls.add(m ? "mask" : "unmask"); masked = m; }
    }

    @Test
    void maskedComesFirstAndWorksOnAUnitNotInstalledYet() throws Exception {
        Fake f = new Fake();
        ModuleResult r = service.run(args("systemd", "name", "db", "masked", true), Contexts.diff(), f);
        assertTrue(r.isChanged());
        assertEquals(Map.of("masked", false), r.diff().get("before"));
        assertFalse(service.run(args("systemd", "name", "db", "masked", true), Contexts.normal(), f).isChanged());
        f.calls.clear();
        assertTrue(service.run(args("systemd", "unit", "web", "masked", false, "state", "started"), Contexts.normal(), f).isChanged());
        assertEquals(List.of("unmask", "start"), f.calls, "unmasked before it is started");
        f.calls.clear();
        assertTrue(service.run(args("systemd", "name", "web", "masked", true), Contexts.check(), f).isChanged());
        assertEquals(List.of(), f.calls, "check mode masks nothing");
    }

    @Test
    void aGlobIsNotAUnitNameAndMaskedNeedsSystemd() throws Exception {
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> service.run(args("systemd", "name", "web*", "state", "started"), Contexts.normal(), new Fake())).code());
        InitScripts init = new InitScripts(new ToolCommands("service", Contexts.normal(), Map.of(), java.time.Duration.ofMinutes(1)), etc);
        assertEquals("SERVICE_NO_SYSTEMD", assertThrows(ModuleException.class,
                () -> service.run(args("service", "name", "demo", "masked", true), Contexts.normal(), init)).code());
    }

    @Test
    void systemctlShowAndItsLoadErrorAreRead() {
        Map<String, String> p = Systemd.parseShow("Id=x.service\nLoadState=not-found\nLoadError=org.freedesktop.systemd1.NoSuchUnit"
                + " \"Unit x.service not found.\"\nActiveState=inactive\n");
        assertEquals("not-found", p.get("LoadState"));
        assertEquals("Unit x.service not found.", Systemd.loadErrorText(p.get("LoadError")));
        assertEquals("", Systemd.loadErrorText(null));
    }

    @Test
    void startedAndEnabledActOnlyOnWhatDiffers() throws Exception {
        Fake f = new Fake();
        ModuleResult first = service.run(args("service", "name", "web", "state", "started", "enabled", true,
                "daemon_reload", true), Contexts.diff(), f);
        assertTrue(first.isChanged());
        assertEquals(List.of("daemon-reload", "enable", "start"), f.calls);
        assertEquals(Map.of("enabled", false, "state", "stopped"), first.diff().get("before"));
        f.calls.clear();
        assertFalse(service.run(args("service", "name", "web", "state", "started", "enabled", "yes"), Contexts.normal(), f).isChanged());
        assertEquals(List.of(), f.calls);
    }

    @Test
    void restartedAlwaysActsAndReloadingAStoppedServiceStartsIt() throws Exception {
        Fake f = new Fake();
        f.active = true;
        assertTrue(service.run(args("service", "name", "web", "state", "restarted"), Contexts.normal(), f).isChanged());
        f.active = false;
        assertTrue(service.run(args("service", "name", "web", "state", "reloaded"), Contexts.normal(), f).isChanged());
        assertEquals(List.of("restart", "start"), f.calls);
    }

    @Test
    void checkModeReportsAndDoesNothing() throws Exception {
        Fake f = new Fake();
        f.active = true;
        ModuleResult r = service.run(args("service", "name", "web", "state", "stopped", "daemon_reload", true), Contexts.check(), f);
        assertTrue(r.isChanged());
        assertEquals(List.of(), f.calls);
    }

    @Test
    void errorsAreLocated() throws Exception {
        Fake f = new Fake();
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> service.run(args("service", "name", "web", "state", "running"), Contexts.normal(), f)).code());
        assertEquals("ARG_MISSING", assertThrows(ModuleException.class,
                () -> service.run(args("service", "name", "web"), Contexts.normal(), f)).code());
        assertEquals("SERVICE_NOT_FOUND", assertThrows(ModuleException.class,
                () -> service.run(args("service", "name", "db", "state", "started"), Contexts.normal(), f)).code());
        assertTrue(service.run(args("service", "name", "db", "state", "started"), Contexts.check(), f).isChanged(),
                "in check mode an earlier task may install it");
    }

    /** A real LSB-style script: status by pid file, started and stopped through it. */
    @Test
    void initScriptsStartStopAndReadEnabledLinks() throws Exception {
        Path pid = etc.resolve("demo.pid");
        Path script = etc.resolve("init.d/demo");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\ncase \"$1\" in\n"
                + " start) echo 1 > " + pid + " ;;\n stop) rm -f " + pid + " ;;\n"
                + " status) [ -f " + pid + " ] ;;\n *) exit 3 ;;\nesac\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        InitScripts init = new InitScripts(new ToolCommands("service", Contexts.normal(), java.util.Map.of(), java.time.Duration.ofMinutes(1)), etc);
        assertTrue(service.run(args("service", "name", "demo", "state", "started"), Contexts.normal(), init).isChanged());
        assertTrue(Files.exists(pid));
        assertFalse(service.run(args("service", "name", "demo", "state", "started"), Contexts.normal(), init).isChanged());
        assertTrue(service.run(args("service", "name", "demo", "state", "stopped"), Contexts.normal(), init).isChanged());
        assertFalse(Files.exists(pid));
        assertFalse(init.isEnabled("demo"));
        Files.createDirectories(etc.resolve("rc3.d"));
        Files.createSymbolicLink(etc.resolve("rc3.d/S01demo"), script);
        assertTrue(init.isEnabled("demo"));
        ModuleException missing = assertThrows(ModuleException.class,
                () -> service.run(args("service", "name", "nope", "state", "started"), Contexts.normal(), init));
        assertEquals("SERVICE_NOT_FOUND", missing.code());
        assertTrue(missing.getMessage().contains("init.d/nope"), missing.getMessage());
    }
}
