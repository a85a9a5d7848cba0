package dev.jplay.modules.service;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.modules.command.ToolCommands;
import dev.jplay.protocol.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code service} and {@code systemd} (alias {@code systemd_service}): {@code name}, {@code state} (started,
 * stopped, restarted, reloaded), {@code enabled}, {@code daemon_reload}. On a host that runs systemd both use
 * systemctl. On a host without it, {@code service} falls back to /etc/init.d scripts as Ansible's service module
 * does, and {@code systemd} fails ({@code SERVICE_NO_SYSTEMD}) rather than pretend. started/stopped change only
 * what differs; restarted and reloaded always act (changed), as in Ansible. In check mode a service that does not
 * exist yet (an earlier task would install it) is reported as to change, not failed. {@code masked} (systemd only)
 * is applied first and, as in Ansible, also to a unit not installed yet; then enabled, then state.
 */
public final class ServiceModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("name", "service", "unit", "state", "enabled", "masked",
            "daemon_reload", "daemon-reload");
    private static final Set<String> STATES = Set.of("started", "stopped", "restarted", "reloaded");
    private final String name;

    private ServiceModule(String name) {
        this.name = name;
    }

    public static ServiceModule service() { return new ServiceModule("service"); }

    public static ServiceModule systemd() { return new ServiceModule("systemd"); }

    /** Ansible's newer name for {@code systemd}. */
    public static ServiceModule systemdService() { return new ServiceModule("systemd_service"); }

    @Override
    public String name() { return name; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        ToolCommands commands = new ToolCommands(name, ctx, Map.of("SYSTEMD_PAGER", ""), Duration.ofMinutes(2));
        ServiceManager manager;
        if (Systemd.booted()) {
            manager = new Systemd(commands);
        } else if (name.equals("service")) {
            manager = new InitScripts(commands, Path.of("/etc"));
        } else {
            throw new ModuleException(Step.EXEC, "SERVICE_NO_SYSTEMD", name + ": this host does not run systemd "
                    + "(no /run/systemd/system); use the service module, which falls back to /etc/init.d scripts");
        }
        return run(args, ctx, manager);
    }

    ModuleResult run(ModuleArgs args, ModuleContext ctx, ServiceManager manager) throws ModuleException {
        args.rejectUnknown(ARGS);
        String unit = args.has("name") ? args.string("name") : args.has("unit") ? args.string("unit")
                : args.has("service") ? args.string("service") : null;
        String state = args.string("state", null);
        Boolean enabled = args.has("enabled") ? args.bool("enabled", false) : null;
        Boolean masked = args.has("masked") ? args.bool("masked", false) : null;
        if (unit != null && unit.matches(".*[*?\\[].*")) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", name + ": a glob pattern is not a unit name: '" + unit
                    + "' (name one unit per task, or loop)");
        }
        boolean daemonReload = args.bool("daemon_reload", args.bool("daemon-reload", false));
        if (state != null && !STATES.contains(state)) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", name + ": state must be one of started, stopped, restarted,"
                    + " reloaded; got '" + state + "'");
        }
        if (unit == null && (state != null || enabled != null || masked != null)) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", name + ": argument 'name' is required with state, enabled"
                    + " or masked");
        }
        if (unit == null && !daemonReload) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", name + ": argument 'name' is required");
        }
        if (unit != null && state == null && enabled == null && masked == null && !daemonReload) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", name + ": give state, enabled, masked or daemon_reload");
        }
        if (daemonReload && !ctx.check()) manager.daemonReload();
        ModuleResult.Builder result = ModuleResult.ok().put("manager", manager.id());
        if (unit == null) return result.msg(ctx.check() ? "would reload the daemon" : "daemon reloaded").build();
        result.put("name", unit);
        Map<String, Object> before = new LinkedHashMap<>();
        Map<String, Object> after = new LinkedHashMap<>();
        boolean changed = false;
        if (masked != null) {
            boolean is = manager.isMasked(unit);
            before.put("masked", is);
            after.put("masked", masked);
            if (is != masked) {
                changed = true;
                if (!ctx.check()) manager.setMasked(unit, masked);
            }
            result.put("masked", masked);
            if (state == null && enabled == null) return finish(result, changed, before, after, ctx);
        }
        try {
            manager.requireExists(unit);
        } catch (ModuleException e) {
            // An earlier task of the same run (a package, a unit file) would install it: as copy does for a missing
            // directory, check mode reports the service as to change rather than failing the dry run.
            if (!ctx.check() || !e.code().equals("SERVICE_NOT_FOUND")) throw e;
            return result.changed(changed || state != null && !state.equals("stopped") || Boolean.TRUE.equals(enabled))
                    .msg(e.getMessage() + " yet").build();
        }
        if (enabled != null) {
            boolean is = manager.isEnabled(unit);
            before.put("enabled", is);
            after.put("enabled", enabled);
            if (is != enabled) {
                changed = true;
                if (!ctx.check()) manager.setEnabled(unit, enabled);
            }
            result.put("enabled", enabled);
        }
        if (state != null) {
            boolean active = manager.isActive(unit);
            before.put("state", active ? "started" : "stopped");
            String action = switch (state) {
                case "started" -> active ? null : "start";
                case "stopped" -> active ? "stop" : null;
                case "restarted" -> "restart";
                default -> active ? "reload" : "start"; // reloading a stopped service starts it, as Ansible does
            };
            after.put("state", state.equals("stopped") ? "stopped" : "started");
            if (action != null) {
                changed = true;
                if (!ctx.check()) manager.act(unit, action);
            }
            result.put("state", state.equals("stopped") ? "stopped" : "started");
        }
        return finish(result, changed, before, after, ctx);
    }

    private static ModuleResult finish(ModuleResult.Builder result, boolean changed, Map<String, Object> before,
                                       Map<String, Object> after, ModuleContext ctx) {
        result.changed(changed);
        if (ctx.diff() && changed) result.diff(before, after);
        return result.build();
    }
}
