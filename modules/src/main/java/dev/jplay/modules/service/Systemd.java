package dev.jplay.modules.service;

import dev.jplay.modules.ModuleException;
import dev.jplay.modules.command.ProcessRunner;
import dev.jplay.modules.command.ToolCommands;
import dev.jplay.protocol.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** systemctl. A host runs systemd when /run/systemd/system exists (systemd's own test, sd_booted(3)). */
final class Systemd implements ServiceManager {
    private final ToolCommands commands;

    Systemd(ToolCommands commands) {
        this.commands = commands;
    }

    static boolean booted() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }

    @Override
    public String id() { return "systemd"; }

    @Override
    public void requireExists(String name) throws ModuleException {
        ProcessRunner.Outcome o = commands.mustSucceed(List.of("systemctl", "show", "--property=LoadState", "--value", "--", name),
                "SERVICE_FAILED");
        if (o.stdout().strip().equals("not-found")) {
            throw new ModuleException(Step.EXEC, "SERVICE_NOT_FOUND", "no unit '" + name + "' on this host (systemctl: not-found)")
                    .detail("service", name);
        }
    }

    @Override
    public boolean isActive(String name) throws ModuleException {
        return commands.run(List.of("systemctl", "is-active", "--quiet", "--", name)).rc() == 0;
    }

    @Override
    public boolean isEnabled(String name) throws ModuleException {
        // is-enabled exits 0 for enabled, static, alias, indirect...: units that start without an enable
        return commands.run(List.of("systemctl", "is-enabled", "--quiet", "--", name)).rc() == 0;
    }

    @Override
    public void act(String name, String action) throws ModuleException {
        commands.mustSucceed(List.of("systemctl", action, "--", name), "SERVICE_FAILED");
    }

    @Override
    public void setEnabled(String name, boolean enabled) throws ModuleException {
        commands.mustSucceed(List.of("systemctl", enabled ? "enable" : "disable", "--", name), "SERVICE_FAILED");
    }

    @Override
    public void daemonReload() throws ModuleException {
        commands.mustSucceed(List.of("systemctl", "daemon-reload"), "SERVICE_FAILED");
    }
}
