package dev.jplay.modules.packages;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.Privileges;
import dev.jplay.modules.command.ProcessRunner;
import dev.jplay.modules.command.ToolCommands;
import dev.jplay.modules.setup.PackageManager;
import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code apt} and {@code package} share: bring named packages to a state (present, absent, latest) with the
 * host's {@link PackageManager}, non-interactively. Changed only when the installed set or a version changed
 * (the package database is read before and after), so a second run is {@code ok}. Check mode reads the
 * database (and, for latest, the manager's simulation) and changes nothing. Changing needs root.
 */
final class PackageTask {
    /** Each package command's deadline when the task sets none. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

    private final String module;
    private final PackageManager pm;
    private final ModuleContext ctx;
    private final ToolCommands tools;

    PackageTask(String module, PackageManager pm, ModuleContext ctx) {
        this.module = module;
        this.pm = pm;
        this.ctx = ctx;
        this.tools = new ToolCommands(module, ctx, Map.of("DEBIAN_FRONTEND", "noninteractive"), COMMAND_TIMEOUT);
    }

    enum State {
        PRESENT, ABSENT, LATEST;

        static State parse(String module, String s) throws ModuleException {
            return switch (s) {
                case "present", "installed" -> PRESENT;
                case "absent", "removed" -> ABSENT;
                case "latest" -> LATEST;
                default -> throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": state must be present, absent or "
                        + "latest, got '" + s + "'");
            };
        }
    }

    /** A package name, with {@code =VERSION} for apt (Ansible's {@code name=1.2*}: the installed version must start so). */
    record Spec(String name, String version) {
        static Spec parse(String module, String s) throws ModuleException {
            if (!s.matches("[A-Za-z0-9][A-Za-z0-9.+:_~-]*(=[A-Za-z0-9.+:~*-]+)?")) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": not a package name: '" + s + "'");
            }
            int eq = s.indexOf('=');
            return eq < 0 ? new Spec(s, null) : new Spec(s.substring(0, eq), s.substring(eq + 1));
        }

        boolean satisfiedBy(String installed) {
            if (installed == null) return false;
            if (version == null) return true;
            return version.endsWith("*") ? installed.startsWith(version.substring(0, version.length() - 1)) : installed.equals(version);
        }

        String argument() { return version == null ? name : name + "=" + version.replace("*", ""); }
    }

    ModuleResult.Builder run(List<Spec> specs, State state, boolean purge, Boolean installRecommends) throws ModuleException {
        List<String> names = specs.stream().map(Spec::name).toList();
        Map<String, String> before = installed(names, state == State.ABSENT && purge);
        List<String> todo = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        switch (state) {
            case PRESENT -> {
                for (Spec s : specs) if (!s.satisfiedBy(before.get(s.name()))) todo.add(s.argument());
                if (!todo.isEmpty()) commands.add(pm.installCommand(todo, false, installRecommends));
            }
            case LATEST -> {
                List<String> missing = new ArrayList<>();
                for (Spec s : specs) if (!before.containsKey(s.name())) missing.add(s.argument());
                List<String> upgradable = new ArrayList<>();
                List<String> installedNames = names.stream().filter(before::containsKey).toList();
                if (!installedNames.isEmpty()) {
                    ProcessRunner.Outcome o = exec(pm.upgradableCommand(installedNames), false);
                    for (String p : pm.parseUpgradable(o.stdout())) if (installedNames.contains(p)) upgradable.add(p);
                }
                todo.addAll(missing);
                todo.addAll(upgradable);
                if (!missing.isEmpty()) commands.add(pm.installCommand(missing, false, installRecommends));
                if (!upgradable.isEmpty()) commands.add(pm.installCommand(upgradable, true, installRecommends));
            }
            case ABSENT -> {
                for (Spec s : specs) if (before.containsKey(s.name())) todo.add(s.name());
                if (!todo.isEmpty()) commands.add(pm.removeCommand(todo, purge));
            }
        }
        String verb = state == State.ABSENT ? (purge ? "purge" : "remove") : state == State.LATEST ? "install or upgrade" : "install";
        if (todo.isEmpty()) {
            return ModuleResult.ok().put("packages", List.of()).put("installed", before).msg("nothing to " + verb);
        }
        if (ctx.check()) {
            ModuleResult.Builder b = ModuleResult.changed(true).put("packages", todo).put("installed", before)
                    .msg("would " + verb + " " + String.join(" ", todo) + " with " + pm.id());
            if (ctx.diff()) b.diff(Map.of("installed", before), Map.of(verb, todo));
            return b;
        }
        requireRoot(commands);
        StringBuilder stdout = new StringBuilder();
        for (List<String> command : commands) stdout.append(exec(command, true).stdout()).append('\n');
        Map<String, String> after = installed(names, state == State.ABSENT && purge);
        boolean changed = !after.equals(before);
        ModuleResult.Builder b = ModuleResult.changed(changed).put("packages", todo).put("installed", after)
                .stdout(stdout.toString().strip()).msg((changed ? "" : "no package changed: ") + verb + " "
                        + String.join(" ", todo) + " with " + pm.id());
        if (ctx.diff() && changed) b.diff(Map.of("installed", before), Map.of("installed", after));
        return b;
    }

    /** Refreshes the package index ({@code apt-get update}); needs root outside check mode. */
    void updateCache(List<String> command) throws ModuleException {
        if (ctx.check()) return;
        requireRoot(List.of(command));
        exec(command, true);
    }

    /** The installed versions of {@code names} (apt with {@code withConfig}: removed packages that left configuration too). */
    Map<String, String> installed(List<String> names, boolean withConfig) throws ModuleException {
        ProcessRunner.Outcome o = tools.run(pm.queryCommand(names));
        // Not an error when non-zero: dpkg-query and rpm exit non-zero for unknown packages and still list the others.
        return pm.parseInstalled(o.stdout(), names, withConfig);
    }

    private ProcessRunner.Outcome exec(List<String> command, boolean mustSucceed) throws ModuleException {
        ProcessRunner.Outcome o = tools.run(command);
        // dnf check-update exits 100 when there are updates
        if (o.rc() != 0 && !(pm == PackageManager.DNF && o.rc() == 100) && (mustSucceed || o.stdout().isBlank())) {
            throw tools.failed(command, o, "PACKAGE_COMMAND_FAILED");
        }
        return o;
    }

    private void requireRoot(List<List<String>> commands) throws ModuleException {
        if (Privileges.effectiveUid() == 0) return;
        throw new ModuleException(Step.EXEC, "PACKAGE_NEEDS_ROOT", module + ": changing packages needs root: add become: true"
                + " (or -b); it would run: " + String.join(" && ", commands.stream().map(c -> String.join(" ", c)).toList()))
                .detail("package_manager", pm.id());
    }
}
