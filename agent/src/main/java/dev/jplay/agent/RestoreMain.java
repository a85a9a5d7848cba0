package dev.jplay.agent;

import dev.jplay.modules.container.BootRestore;
import java.nio.file.Path;

/**
 * The boot unit's entry point ({@code jplay-restore.service}, see {@link dev.jplay.runtime.launch.BootUnit}): brings
 * back the pool routes, fleet service tables and containers of the privileged agent's state directory after a reboot,
 * one line each on stdout (the journal: {@code systemctl status jplay-restore}). Exits 1 when any of them failed to
 * come back, so the unit shows as failed; the others are restored all the same. Run by hand it is idempotent.
 *
 * <pre>java -cp agent.jar dev.jplay.agent.RestoreMain [--state-dir /var/lib/jplay]</pre>
 */
public final class RestoreMain {
    static final String DEFAULT_STATE_DIR = "/var/lib/jplay";

    private RestoreMain() {}

    public static void main(String[] args) throws Exception {
        Path stateDir = Path.of(DEFAULT_STATE_DIR);
        for (int i = 0; i < args.length; i++) {
            if ("--state-dir".equals(args[i]) && i + 1 < args.length) {
                stateDir = Path.of(args[++i]);
            } else {
                System.err.println("usage: RestoreMain [--state-dir DIR]; unknown argument '" + args[i] + "'");
                System.exit(2);
            }
        }
        int failed = BootRestore.restoreAll(stateDir, System.out);
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }
}
