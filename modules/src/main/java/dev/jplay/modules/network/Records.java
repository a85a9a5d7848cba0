package dev.jplay.modules.network;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.container.HostBoot;
import dev.jplay.runtime.network.HostNetworkRecords;
import dev.jplay.runtime.network.NetworkException;
import java.io.IOException;

/**
 * Writes what a network module applied to the host into {@link HostNetworkRecords}, for the boot restore, and keeps
 * the boot unit installed while there is a record ({@link HostBoot}).
 */
final class Records {
    interface Change {
        void apply(HostNetworkRecords records) throws IOException;
    }

    private Records() {}

    /** Applies {@code change} to the records, then converges the boot unit; true if the unit changed. */
    static boolean write(ModuleContext ctx, String what, Change change) throws ModuleException {
        try {
            change.apply(new HostNetworkRecords(ctx.stateDir()));
        } catch (IOException e) {
            throw new ModuleException(NetworkException.STEP, NetworkException.STATE_FAILED, "cannot record " + what + " in "
                    + ctx.stateDir().resolve("network") + " for the boot restore: " + e.getMessage(), e);
        }
        return HostBoot.afterNetworkChange(ctx);
    }
}
