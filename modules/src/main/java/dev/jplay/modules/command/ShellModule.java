package dev.jplay.modules.command;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code shell}: runs {@code cmd} (or the free-form text) with {@code executable -c}, default {@code /bin/sh}. */
public final class ShellModule implements TaskModule {
    private static final Set<String> ARGS = new HashSet<>(CommandTask.COMMON_ARGS);

    static {
        ARGS.addAll(List.of("cmd", "_raw_params", "executable"));
    }

    @Override
    public String name() { return "shell"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        if (args.has("cmd") == args.has("_raw_params")) {
            throw new ModuleException(Step.ARGS, args.has("cmd") ? "ARG_CONFLICT" : "ARG_MISSING",
                    "shell: give exactly one of 'cmd' or a free-form command");
        }
        String script = args.has("cmd") ? args.string("cmd") : args.string("_raw_params");
        if (script.isBlank()) throw new ModuleException(Step.ARGS, "ARG_VALUE", "shell: the command is empty");
        String executable = args.string("executable", "/bin/sh");
        return CommandTask.run(name(), List.of(executable, "-c", script), script, args, ctx);
    }
}
