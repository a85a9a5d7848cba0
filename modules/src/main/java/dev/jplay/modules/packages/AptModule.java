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
 * A cache update alone is changed only when the index changed.
 */
public final class AptModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("name", "pkg", "package", "state", "update_cache",
            "cache_valid_time", "install_recommends", "purge");
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
        if (specs.isEmpty()) {
            if (!update) throw new ModuleException(Step.ARGS, "ARG_MISSING", "apt: give name, or update_cache: true");
            return ModuleResult.changed(cacheUpdated).put("cache_updated", cacheUpdated)
                    .msg(cacheUpdated ? "package index updated" : "package index is fresh").build();
        }
        return task.run(specs, state, args.bool("purge", false), recommends).put("cache_updated", cacheUpdated).build();
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
