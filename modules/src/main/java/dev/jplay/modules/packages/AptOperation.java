package dev.jplay.modules.packages;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.Privileges;
import dev.jplay.modules.command.ProcessRunner;
import dev.jplay.modules.command.ToolCommands;
import dev.jplay.protocol.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An apt-get operation on the whole system ({@code upgrade}, {@code dist-upgrade}, {@code autoremove},
 * {@code install ./local.deb}), planned by apt-get's own simulation ({@code -s}, which needs no root): nothing planned
 * is {@code ok} without running anything; check mode reports the plan (the packages it would install, upgrade or
 * remove) and stops there; otherwise it runs non-interactively (keeping changed configuration files, as Ansible's
 * {@code force-confdef,force-confold}) and is changed when the dpkg database changed.
 */
final class AptOperation {
    private static final List<String> OPTIONS = List.of("-y", "-q", "-o", "Dpkg::Options::=--force-confdef", "-o",
            "Dpkg::Options::=--force-confold");
    /** A simulation's action lines: {@code Inst NAME [OLD] (NEW ...)}, {@code Remv NAME [OLD]}, {@code Purg NAME [OLD]}. */
    private static final Pattern ACTION = Pattern.compile("^(Inst|Remv|Purg) (\\S+)(?: \\[([^\\]]*)\\])?(?: \\((\\S+))?", Pattern.MULTILINE);

    record Change(String action, String name, String from, String to) {
        String describe() {
            return switch (action) {
                case "Inst" -> from == null ? "install " + name + " " + to : "upgrade " + name + " " + from + " -> " + to;
                case "Purg" -> "purge " + name + (from == null ? "" : " " + from);
                default -> "remove " + name + (from == null ? "" : " " + from);
            };
        }
    }

    private final String module;
    private final ModuleContext ctx;
    private final ToolCommands tools;
    private List<Change> plan = List.of();

    AptOperation(String module, ModuleContext ctx) {
        this.module = module;
        this.ctx = ctx;
        this.tools = new ToolCommands(module, ctx, Map.of("DEBIAN_FRONTEND", "noninteractive"), PackageTask.COMMAND_TIMEOUT);
    }

    static List<Change> parseSimulation(String out) {
        List<Change> changes = new ArrayList<>();
        Matcher m = ACTION.matcher(out);
        while (m.find()) changes.add(new Change(m.group(1), m.group(2), m.group(3), m.group(4)));
        return changes;
    }

    /** Runs {@code apt-get OPTIONS args} as described above; {@code what} names it in messages ("dist-upgrade"). */
    ModuleResult.Builder run(List<String> args, String what) throws ModuleException {
        List<String> simulate = command(List.of("-s"), args);
        ProcessRunner.Outcome sim = tools.run(simulate);
        if (sim.rc() != 0) throw tools.failed(simulate, sim, "PACKAGE_COMMAND_FAILED");
        plan = parseSimulation(sim.stdout());
        List<String> described = plan.stream().map(Change::describe).toList();
        if (plan.isEmpty()) return ModuleResult.ok().put("packages", List.of()).msg("apt-get " + what + ": nothing to do");
        if (ctx.check()) {
            ModuleResult.Builder b = ModuleResult.changed(true).put("packages", described)
                    .msg("apt-get " + what + " would: " + String.join(", ", described));
            if (ctx.diff()) b.diff(Map.of("planned", List.of()), Map.of("planned", described));
            return b;
        }
        List<String> real = command(List.of(), args);
        if (Privileges.effectiveUid() != 0) {
            throw new ModuleException(Step.EXEC, "PACKAGE_NEEDS_ROOT", module + ": changing packages needs root: add become:"
                    + " true (or -b); it would run: " + String.join(" ", real)).detail("package_manager", "apt");
        }
        Map<String, String> before = installed();
        ProcessRunner.Outcome o = tools.mustSucceed(real, "PACKAGE_COMMAND_FAILED");
        Map<String, String> after = installed();
        Map<String, String> was = new TreeMap<>(before);
        Map<String, String> now = new TreeMap<>(after);
        was.entrySet().removeIf(e -> e.getValue().equals(after.get(e.getKey())));
        now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        boolean changed = !was.isEmpty() || !now.isEmpty();
        ModuleResult.Builder b = ModuleResult.changed(changed).put("packages", described).stdout(o.stdout().strip())
                .msg("apt-get " + what + ": " + String.join(", ", described));
        if (ctx.diff() && changed) b.diff(Map.of("installed", was), Map.of("installed", now));
        return b;
    }

    /** The packages the last {@link #run} installed or upgraded (or would, in check mode). */
    List<String> installedByPlan() {
        return plan.stream().filter(c -> c.action().equals("Inst")).map(Change::name).toList();
    }

    /** {@code apt-mark manual}: these stay when nothing depends on them any more (autoremove leaves them). */
    void markManual(List<String> names) throws ModuleException {
        if (names.isEmpty() || ctx.check()) return;
        List<String> argv = new ArrayList<>(List.of("apt-mark", "manual"));
        argv.addAll(names);
        tools.mustSucceed(argv, "PACKAGE_COMMAND_FAILED");
    }

    private static List<String> command(List<String> first, List<String> args) {
        List<String> c = new ArrayList<>(List.of("apt-get"));
        c.addAll(first);
        c.addAll(OPTIONS);
        c.addAll(args);
        return c;
    }

    /** Every installed package (status ii/hi) and its version. */
    private Map<String, String> installed() throws ModuleException {
        List<String> query = List.of("dpkg-query", "-W", "-f=${Package}\t${db:Status-Abbrev}\t${Version}\n");
        ProcessRunner.Outcome o = tools.mustSucceed(query, "PACKAGE_COMMAND_FAILED");
        Map<String, String> out = new TreeMap<>();
        for (String line : o.stdout().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3 && (f[1].strip().equals("ii") || f[1].strip().equals("hi"))) out.put(f[0], f[2]);
        }
        return out;
    }
}
