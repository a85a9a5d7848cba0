package dev.jplay.modules.service;

import dev.jplay.modules.ModuleException;
import dev.jplay.modules.command.ToolCommands;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * SysV init scripts, Ansible's service fallback on a host without systemd: {@code /etc/init.d/NAME start|stop|
 * restart|reload|status} (running when {@code status} exits 0, as LSB says), enabled when a start link
 * {@code /etc/rc[2-5].d/S??NAME} exists, changed with {@code update-rc.d}.
 */
final class InitScripts implements ServiceManager {
    private final ToolCommands commands;
    private final Path etc;

    InitScripts(ToolCommands commands, Path etc) {
        this.commands = commands;
        this.etc = etc;
    }

    @Override
    public String id() { return "sysvinit"; }

    private Path script(String name) {
        return etc.resolve("init.d").resolve(name);
    }

    @Override
    public void requireExists(String name) throws ModuleException {
        if (!Files.isExecutable(script(name))) {
            throw new ModuleException(Step.EXEC, "SERVICE_NOT_FOUND", "no service '" + name + "' on this host: it does not"
                    + " run systemd, and " + script(name) + " is not an executable init script").detail("service", name);
        }
    }

    @Override
    public boolean isActive(String name) throws ModuleException {
        return commands.run(List.of(script(name).toString(), "status")).rc() == 0;
    }

    @Override
    public boolean isEnabled(String name) throws ModuleException {
        for (int level = 2; level <= 5; level++) {
            Path dir = etc.resolve("rc" + level + ".d");
            if (!Files.isDirectory(dir)) continue;
            try (DirectoryStream<Path> links = Files.newDirectoryStream(dir, "S[0-9][0-9]" + name)) {
                if (links.iterator().hasNext()) return true;
            } catch (IOException e) {
                throw new ModuleException(Step.EXEC, "SERVICE_FAILED", "cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return false;
    }

    @Override
    public void act(String name, String action) throws ModuleException {
        commands.mustSucceed(List.of(script(name).toString(), action), "SERVICE_FAILED");
    }

    @Override
    public void setEnabled(String name, boolean enabled) throws ModuleException {
        // "defaults" creates the links from the script's LSB header; "enable"/"disable" turn existing ones S/K
        if (enabled) commands.mustSucceed(List.of("update-rc.d", name, "defaults"), "SERVICE_FAILED");
        commands.mustSucceed(List.of("update-rc.d", name, enabled ? "enable" : "disable"), "SERVICE_FAILED");
    }

    @Override
    public void daemonReload() {
        // nothing to reload without systemd
    }
}
