package dev.jplay.modules.packages;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.modules.setup.PackageManager;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code apt}: Debian packages, with Ansible's arguments: {@code name} (a name or a list; {@code pkg},
 * {@code package}), {@code state} (present, absent, latest), {@code update_cache} with {@code cache_valid_time}
 * (seconds; the index counts as fresh when updated more recently, judged as Ansible judges it from
 * /var/lib/apt/periodic/update-success-stamp or /var/lib/apt/lists), {@code install_recommends}, {@code purge}.
 * A cache update alone is changed only when the index changed. {@code upgrade} ({@code yes}/{@code safe}: apt-get
 * upgrade --with-new-pkgs; {@code full}/{@code dist}: apt-get dist-upgrade; Ansible's apt-get fallback, which it uses
 * when aptitude is absent, as on a minimal Debian), {@code autoremove} (alone: apt-get autoremove; with packages:
 * also after them), {@code deb} (a .deb path on the host or an http(s) URL the host downloads; its dependencies come
 * from the repositories): each planned by apt-get's simulation ({@link AptOperation}). As in Ansible, a task with
 * {@code upgrade} or {@code deb} does only that (after the cache update).
 */
public final class AptModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("name", "pkg", "package", "state", "update_cache",
            "cache_valid_time", "install_recommends", "purge", "upgrade", "autoremove", "deb");
    static final Path UPDATE_STAMP = Path.of("/var/lib/apt/periodic/update-success-stamp");
    static final Path LISTS = Path.of("/var/lib/apt/lists");

    @Override
    public String name() { return "apt"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        List<PackageTask.Spec> specs = specs(args, name());
        PackageTask.State state = PackageTask.State.parse(name(), args.string("state", "present"));
        long validFor = args.number("cache_valid_time", 0);
        boolean update = args.bool("update_cache", false) || validFor > 0;
        Boolean recommends = args.has("install_recommends") ? args.bool("install_recommends", false) : null;
        PackageTask task = new PackageTask(name(), PackageManager.APT, ctx);
        boolean cacheUpdated = false;
        if (update) {
            Instant before = cacheTime();
            if (!before.plus(Duration.ofSeconds(validFor)).isAfter(Instant.now())) {
                task.updateCache(List.of("apt-get", "update", "-q"));
                cacheUpdated = ctx.check() || !cacheTime().equals(before);
            }
        }
        boolean autoremove = args.bool("autoremove", false);
        boolean purge = args.bool("purge", false);
        List<String> upgrade = upgrade(args.string("upgrade", "no"));
        if (!upgrade.isEmpty()) {
            if (autoremove) upgrade.add("--auto-remove");
            return merge(new AptOperation(name(), ctx).run(upgrade, String.join(" ", upgrade)), cacheUpdated);
        }
        if (args.has("deb")) {
            if (state != PackageTask.State.PRESENT) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", "apt: deb only supports state: present");
            }
            try (LocalDeb deb = LocalDeb.resolve(args.string("deb"), ctx)) {
                AptOperation op = new AptOperation(name(), ctx);
                ModuleResult.Builder installed = op.run(List.of("install", deb.path().toString()), "install " + deb.path());
                // Ansible installs a .deb's missing dependencies by name first (apt-get install DEP...), which marks them
                // manual: the same end state here, so a later autoremove keeps them as it does under Ansible.
                op.markManual(op.installedByPlan());
                return merge(installed.put("deb", deb.path().toString()), cacheUpdated);
            }
        }
        if (specs.isEmpty()) {
            if (autoremove) return merge(autoremove(ctx, purge), cacheUpdated);
            if (!update) throw new ModuleException(Step.ARGS, "ARG_MISSING", "apt: give name, deb, upgrade, autoremove or"
                    + " update_cache: true");
            return ModuleResult.changed(cacheUpdated).put("cache_updated", cacheUpdated)
                    .msg(cacheUpdated ? "package index updated" : "package index is fresh").build();
        }
        ModuleResult packages = task.run(specs, state, purge, recommends).put("cache_updated", cacheUpdated).build();
        if (!autoremove) return packages;
        // Ansible passes --auto-remove to the same apt-get, which removes every unused dependency: the same as after it
        ModuleResult removed = autoremove(ctx, purge).build();
        ModuleResult.Builder b = ModuleResult.changed(packages.isChanged() || removed.isChanged());
        packages.data().forEach(b::put);
        b.put("autoremoved", removed.data().get("packages"));
        if (packages.diff() != null) b.diff(packages.diff().get("before"), packages.diff().get("after"));
        return b.msg(String.join("; ", List.of(packages.msg(), removed.msg()).stream().filter(m -> m != null && !m.isEmpty()).toList()))
                .build();
    }

    private ModuleResult.Builder autoremove(ModuleContext ctx, boolean purge) throws ModuleException {
        List<String> op = new java.util.ArrayList<>(List.of("autoremove"));
        if (purge) op.add("--purge");
        return new AptOperation(name(), ctx).run(op, String.join(" ", op));
    }

    /** As in Ansible, changed by the operation alone: a cache update before it is reported, not counted. */
    private static ModuleResult merge(ModuleResult.Builder op, boolean cacheUpdated) {
        return op.put("cache_updated", cacheUpdated).build();
    }

    /** Ansible's {@code upgrade} values as apt-get's arguments (empty: no upgrade). */
    static List<String> upgrade(String mode) throws ModuleException {
        return switch (mode) {
            case "no", "false", "False" -> new java.util.ArrayList<>();
            case "yes", "true", "True", "safe" -> new java.util.ArrayList<>(List.of("upgrade", "--with-new-pkgs"));
            case "full", "dist" -> new java.util.ArrayList<>(List.of("dist-upgrade"));
            default -> throw new ModuleException(Step.ARGS, "ARG_VALUE", "apt: upgrade must be one of dist, full, no, safe,"
                    + " yes; got '" + mode + "'");
        };
    }

    static List<PackageTask.Spec> specs(ModuleArgs args, String module) throws ModuleException {
        List<String> raw = args.has("name") ? args.strings("name") : args.has("pkg") ? args.strings("pkg") : args.strings("package");
        List<PackageTask.Spec> out = new ArrayList<>();
        for (String r : raw) {
            for (String part : r.split(",")) { // Ansible accepts "a,b" as two names
                if (!part.isBlank()) out.add(PackageTask.Spec.parse(module, part.strip()));
            }
        }
        return out;
    }

    /** When the index was last updated, as Ansible's apt module reads it (epoch when never). */
    static Instant cacheTime() {
        for (Path p : List.of(UPDATE_STAMP, LISTS)) {
            try {
                if (Files.exists(p)) return Files.getLastModifiedTime(p).toInstant();
            } catch (IOException e) {
                // try the next
            }
        }
        return Instant.EPOCH;
    }
}
