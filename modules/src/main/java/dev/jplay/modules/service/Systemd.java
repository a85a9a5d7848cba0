package dev.jplay.modules.service;

import dev.jplay.modules.ModuleException;
import dev.jplay.modules.command.ProcessRunner;
import dev.jplay.modules.command.ToolCommands;
import dev.jplay.protocol.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * systemctl. A host runs systemd when /run/systemd/system exists (systemd's own test, sd_booted(3)). A unit's
 * state is read as Ansible's systemd module reads it: {@code systemctl show} (LoadState, ActiveState, LoadError),
 * {@code is-enabled} for enabled and masked.
 */
final class Systemd implements ServiceManager {
    /** Ansible's is_running_service: a unit on its way up counts as started (no second start). */
    private static final Set<String> RUNNING = Set.of("active", "activating");
    private final ToolCommands commands;

    Systemd(ToolCommands commands) {
        this.commands = commands;
    }

    static boolean booted() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }

    @Override
    public String id() { return "systemd"; }

    /** The unit's properties that the module reads, from one {@code systemctl show}. */
    private Map<String, String> show(String name) throws ModuleException {
        ProcessRunner.Outcome o = commands.mustSucceed(List.of("systemctl", "show",
                "--property=Id,LoadState,LoadError,ActiveState", "--", name), "SERVICE_FAILED");
        return parseShow(o.stdout());
    }

    static Map<String, String> parseShow(String out) {
        Map<String, String> props = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) props.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
        return props;
    }

    /** systemd's own words in a LoadError ({@code org.freedesktop.systemd1.NoSuchUnit "Unit x.service not found."}). */
    static String loadErrorText(String loadError) {
        if (loadError == null) return "";
        int q = loadError.indexOf('"');
        return q >= 0 && loadError.endsWith("\"") && loadError.length() > q + 1
                ? loadError.substring(q + 1, loadError.length() - 1) : loadError.strip();
    }

    @Override
    public void requireExists(String name) throws ModuleException {
        Map<String, String> p = show(name);
        String unit = p.getOrDefault("Id", name).isEmpty() ? name : p.getOrDefault("Id", name);
        String load = p.getOrDefault("LoadState", "");
        String said = loadErrorText(p.get("LoadError"));
        if (load.equals("not-found")) {
            throw new ModuleException(Step.EXEC, "SERVICE_NOT_FOUND", "no unit '" + name + "' on this host: systemd says: "
                    + (said.isEmpty() ? "Unit " + unit + " not found." : said)).detail("service", name).detail("unit", unit);
        }
        if (load.equals("error") || load.equals("bad-setting")) {
            // Ansible fails too ("Error loading unit file"): acting on it would run what systemd could not read.
            throw new ModuleException(Step.EXEC, "SERVICE_UNIT_INVALID", "unit " + unit + " cannot be loaded (LoadState="
                    + load + "): " + (said.isEmpty() ? "" : said + " ") + "(journalctl -u " + unit + " says which setting);"
                    + " fix the unit file, then daemon_reload").detail("service", name).detail("unit", unit);
        }
    }

    @Override
    public boolean isActive(String name) throws ModuleException {
        return RUNNING.contains(show(name).getOrDefault("ActiveState", ""));
    }

    @Override
    public boolean isEnabled(String name) throws ModuleException {
        // As Ansible: is-enabled exits 0 for enabled, static, generated...: units that start without an enable; but an
        // indirect or alias unit alone is not enabled (enable acts on it).
        ProcessRunner.Outcome o = commands.run(List.of("systemctl", "is-enabled", "--", name));
        String said = o.stdout().strip();
        return o.rc() == 0 && !said.equals("indirect") && !said.equals("alias");
    }

    @Override
    public boolean isMasked(String name) throws ModuleException {
        return commands.run(List.of("systemctl", "is-enabled", "--", name)).stdout().strip().startsWith("masked");
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
    public void setMasked(String name, boolean masked) throws ModuleException {
        commands.mustSucceed(List.of("systemctl", masked ? "mask" : "unmask", "--", name), "SERVICE_FAILED");
    }

    @Override
    public void daemonReload() throws ModuleException {
        commands.mustSucceed(List.of("systemctl", "daemon-reload"), "SERVICE_FAILED");
    }
}
