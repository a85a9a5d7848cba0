package dev.jplay.modules.setup;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.Privileges;
import dev.jplay.modules.TaskModule;
import dev.jplay.modules.command.ProcessRunner;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.fs.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code host_setup}: makes the host able to run jplay's containers. Finds what it lacks (runc, the CNI plugins
 * asked for, setfattr, optionally iptables/nft, and the kernel's overlayfs and cgroup mounts) and installs the
 * packages that provide it with the host's own package manager. Idempotent: a host that lacks nothing is left
 * alone ({@code ok}); in check mode it lists the packages it would install. Installing needs root: otherwise it
 * fails naming the exact packages ({@code SETUP_NEEDS_ROOT}).
 *
 * <p>Arguments: {@code cni_plugins} (default bridge, static, loopback, portmap), {@code tools} (extra programs:
 * {@code iptables}, {@code nft}), {@code timeout} (seconds for each package command, default 600).
 */
public final class HostSetupModule implements TaskModule {
    /**
     * The plugins jplay's container networks run (CniConfigs: bridge with static IPAM, loopback, portmap for
     * published_ports); iptables is needed with them: portmap and the bridge plugin's masquerade write rules.
     */
    public static final List<String> DEFAULT_CNI_PLUGINS = List.of("bridge", "static", "loopback", "portmap");
    private static final Set<String> TOOLS = Set.of("iptables", "nft");

    @Override
    public String name() { return "host_setup"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(Set.of("cni_plugins", "tools", "timeout"));
        List<HostNeed> needs = needs(args);
        Duration timeout = Duration.ofSeconds(args.number("timeout", 600));
        HostCheck check = new HostCheck(HostTools.current(), Path.of("/proc"));
        List<HostNeed> missing = check.missing(needs);
        List<String> kernel = missing.stream().filter(n -> n.kind().isKernel()).map(HostNeed::describe).toList();
        if (!kernel.isEmpty()) {
            throw new ModuleException(Step.SETUP, "SETUP_KERNEL", "the kernel lacks " + String.join(" and ", kernel)
                    + ": no package can add that; containers cannot run on this host").detail("missing", kernel);
        }
        if (missing.isEmpty()) return facts(ModuleResult.ok(), check, List.of(), null).msg("nothing to install").build();
        PackageManager pm = packageManager();
        List<String> packages = pm.packagesFor(missing);
        List<String> lacking = missing.stream().map(HostNeed::describe).toList();
        if (ctx.check()) {
            return facts(ModuleResult.changed(true), check, packages, pm).put("missing", lacking)
                    .msg("would install " + String.join(" ", packages) + " with " + pm.id()).build();
        }
        if (Privileges.effectiveUid() != 0) {
            throw new ModuleException(Step.SETUP, "SETUP_NEEDS_ROOT", "the host lacks " + String.join(", ", lacking)
                    + "; installing needs root: add become: true (or -b), or install them yourself: "
                    + String.join(" && ", pm.installCommands(packages).stream().map(c -> String.join(" ", c)).toList()))
                    .detail("packages", packages).detail("missing", lacking).detail("package_manager", pm.id());
        }
        StringBuilder output = new StringBuilder();
        for (List<String> command : pm.installCommands(packages)) {
            ProcessRunner.Outcome o = ProcessRunner.run(name(), command, null, Map.of("DEBIAN_FRONTEND", "noninteractive"),
                    null, timeout, true);
            output.append(o.stdout());
            if (o.rc() != 0) {
                throw new ModuleException(Step.SETUP, "SETUP_INSTALL_FAILED", String.join(" ", command) + " exited with "
                        + o.rc() + ": " + tail(o.stderr())).detail("packages", packages).detail("rc", o.rc())
                        .detail("stderr_tail", tail(o.stderr()));
            }
        }
        List<HostNeed> still = check.missing(needs);
        if (!still.isEmpty()) {
            throw new ModuleException(Step.SETUP, "SETUP_INCOMPLETE", "installed " + String.join(" ", packages)
                    + " but the host still lacks " + String.join(", ", still.stream().map(HostNeed::describe).toList()))
                    .detail("packages", packages);
        }
        return facts(ModuleResult.changed(true), check, packages, pm).put("missing", lacking)
                .msg("installed " + String.join(" ", packages) + " with " + pm.id()).stdout(output.toString().strip()).build();
    }

    private static ModuleResult.Builder facts(ModuleResult.Builder b, HostCheck check, List<String> installed, PackageManager pm) {
        HostTools tools = HostTools.current();
        b.put("installed", installed);
        if (pm != null) b.put("package_manager", pm.id());
        tools.find("runc").ifPresent(p -> b.put("runc", p.toString()));
        List<String> cni = new ArrayList<>();
        for (Path d : tools.cniDirs()) if (Files.isDirectory(d)) cni.add(d.toString());
        b.put("cni_dirs", cni);
        return b;
    }

    static List<HostNeed> needs(ModuleArgs args) throws ModuleException {
        List<HostNeed> needs = new ArrayList<>(List.of(HostNeed.of(HostNeed.Kind.OVERLAYFS), HostNeed.of(HostNeed.Kind.CGROUPS),
                HostNeed.of(HostNeed.Kind.RUNC), HostNeed.of(HostNeed.Kind.SETFATTR), HostNeed.of(HostNeed.Kind.PERL)));
        List<String> plugins = args.has("cni_plugins") ? args.strings("cni_plugins") : DEFAULT_CNI_PLUGINS;
        if (!plugins.isEmpty()) needs.add(HostNeed.of(HostNeed.Kind.IPTABLES)); // masquerade and portmap write iptables rules
        for (String p : plugins) {
            if (!p.matches("[A-Za-z0-9._-]+")) throw new ModuleException(Step.ARGS, "BAD_ARGS", "cni_plugins: not a plugin name: '" + p + "'");
            needs.add(HostNeed.cni(p));
        }
        for (String t : args.has("tools") ? args.strings("tools") : List.<String>of()) {
            if (!TOOLS.contains(t)) throw new ModuleException(Step.ARGS, "BAD_ARGS", "tools: '" + t + "' is not one of " + TOOLS);
            HostNeed need = HostNeed.of(t.equals("nft") ? HostNeed.Kind.NFT : HostNeed.Kind.IPTABLES);
            if (!needs.contains(need)) needs.add(need);
        }
        return needs;
    }

    private static PackageManager packageManager() throws ModuleException {
        return PackageManager.ofHost();
    }

    private static String tail(String s) {
        return s == null ? "" : s.length() <= 2000 ? s.strip() : "..." + s.substring(s.length() - 2000).strip();
    }
}
