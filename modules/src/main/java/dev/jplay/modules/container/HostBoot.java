package dev.jplay.modules.container;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;

/** The boot unit as seen from the network modules, which record what the boot restore re-applies. */
public final class HostBoot {
    private HostBoot() {}

    /** After a change of the host's network records: the unit installed or removed as they and the containers want; true if it changed. */
    public static boolean afterNetworkChange(ModuleContext ctx) throws ModuleException {
        return ContainerBoot.convergeNetwork(ctx);
    }
}
