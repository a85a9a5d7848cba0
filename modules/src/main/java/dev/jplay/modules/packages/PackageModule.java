package dev.jplay.modules.packages;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.modules.setup.PackageManager;
import dev.jplay.protocol.Step;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code package}: {@code name} and {@code state} (present, absent, latest) with the host's own package manager,
 * chosen as {@code host_setup} chooses it (/etc/os-release: apt, dnf or apk); {@code use} names one instead.
 */
public final class PackageModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("name", "state", "use");

    @Override
    public String name() { return "package"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        List<PackageTask.Spec> specs = AptModule.specs(args, name());
        if (specs.isEmpty()) throw new ModuleException(Step.ARGS, "ARG_MISSING", "package: argument 'name' is required");
        PackageTask.State state = PackageTask.State.parse(name(), args.string("state", "present"));
        String use = args.string("use", "auto");
        PackageManager pm;
        if (use.equals("auto")) {
            pm = PackageManager.ofHost();
        } else {
            try {
                pm = PackageManager.valueOf(use.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", "package: use must be auto, apt, dnf or apk, got '" + use + "'");
            }
        }
        return new PackageTask(name(), pm, ctx).run(specs, state, false, null).put("package_manager", pm.id()).build();
    }
}
