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

/**
 * {@code command}: runs a program without a shell. {@code argv} (a list) is used as is; {@code cmd} or
 * {@code _raw_params} (a string) is split by {@link CommandLine} with no expansion of any kind.
 */
public final class CommandModule implements TaskModule {
    private static final Set<String> ARGS = new HashSet<>(CommandTask.COMMON_ARGS);

    static {
        ARGS.addAll(List.of("argv", "cmd", "_raw_params"));
    }

    @Override
    public String name() { return "command"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        List<String> argv = argv(args);
        return CommandTask.run(name(), argv, argv, args, ctx);
    }

    private List<String> argv(ModuleArgs args) throws ModuleException {
        int given = (args.has("argv") ? 1 : 0) + (args.has("cmd") ? 1 : 0) + (args.has("_raw_params") ? 1 : 0);
        if (given != 1) {
            throw new ModuleException(Step.ARGS, given == 0 ? "ARG_MISSING" : "ARG_CONFLICT",
                    "command: give exactly one of 'argv', 'cmd' or a free-form command");
        }
        List<String> argv;
        if (args.has("argv")) {
            argv = args.strings("argv");
        } else {
            String line = args.has("cmd") ? args.string("cmd") : args.string("_raw_params");
            try {
                argv = CommandLine.split(line);
            } catch (IllegalArgumentException e) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", "command: cannot split '" + line + "': "
                        + e.getMessage());
            }
        }
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "command: the command is empty");
        }
        return argv;
    }
}
