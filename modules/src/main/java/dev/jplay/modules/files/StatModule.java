package dev.jplay.modules.files;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code stat}: facts about a path in {@code data.stat}; never changes anything. */
public final class StatModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("path", "checksum", "get_checksum", "follow");

    @Override
    public String name() { return "stat"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        Path path = Path.of(args.string("path"));
        boolean checksum = args.bool("checksum", args.bool("get_checksum", true));
        boolean follow = args.bool("follow", false);
        Map<String, Object> stat = new LinkedHashMap<>();
        ctx.activity().now(Step.EXEC, "stat " + path + (checksum ? " (with its checksum)" : ""));
        try {
            FileInfo info = FileInfo.read(path, follow);
            stat.put("exists", info.exists());
            if (info.exists()) {
                stat.put("path", path.toString());
                stat.put("isdir", info.isDirectory());
                stat.put("isreg", info.isFile());
                stat.put("islnk", info.isLink());
                stat.put("mode", FileMode.format(info.mode()));
                stat.put("uid", info.uid());
                stat.put("gid", info.gid());
                stat.put("owner", info.owner());
                stat.put("group", info.group());
                stat.put("size", info.size());
                stat.put("mtime", info.mtime().toMillis() / 1000.0);
                if (info.isLink()) stat.put("lnk_target", info.linkTarget().toString());
                if (checksum && info.isFile() && Files.isReadable(path)) stat.put("checksum", Sha256.of(path));
            }
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "STAT_FAILED", "stat: cannot read " + path + ": " + e, e);
        }
        return ModuleResult.ok().put("stat", stat).build();
    }
}
