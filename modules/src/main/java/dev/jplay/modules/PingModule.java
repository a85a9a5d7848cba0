package dev.jplay.modules;

import java.util.Set;

/** {@code ping}: proves the agent runs and answers; returns {@code ping: pong} (or {@code data}). */
public final class PingModule implements TaskModule {
    @Override
    public String name() { return "ping"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(Set.of("data"));
        return ModuleResult.ok().put("ping", args.string("data", "pong")).build();
    }
}
