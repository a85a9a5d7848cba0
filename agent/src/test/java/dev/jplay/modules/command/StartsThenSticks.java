package dev.jplay.modules.command;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * For agent tests: starts a process tree the way modules do ({@link ProcessTrees#start}), then blocks for real in
 * an open() of a FIFO nobody writes, where no interrupt reaches it: only the agent's watchdog can end the request,
 * and it must kill that tree.
 */
public final class StartsThenSticks implements TaskModule {
    private final Path fifo;
    public final List<ProcessHandle> started = new CopyOnWriteArrayList<>();

    public StartsThenSticks(Path fifo) {
        this.fifo = fifo;
    }

    @Override
    public String name() { return "starts_then_sticks"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) {
        try {
            Process p = ProcessTrees.start(new ProcessBuilder("sh", "-c", "sleep 60 & wait"));
            started.add(p.toHandle());
            ctx.activity().now(Step.EXEC, "opening " + fifo);
            try (FileInputStream in = new FileInputStream(fifo.toFile())) {
                return ModuleResult.ok().put("read", in.read()).build();
            }
        } catch (IOException e) {
            return ModuleResult.ok().failed(true).msg("unexpected: " + e).build();
        }
    }
}
