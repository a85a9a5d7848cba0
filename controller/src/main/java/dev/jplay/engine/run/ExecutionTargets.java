package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.inventory.ConnectionVars;
import dev.jplay.inventory.Inventory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a task's module runs for a host, by Ansible's rules: on the host through its inventory connection; with a
 * {@code connection:} keyword, through that transport instead ({@code local}: the controller's agent; {@code ssh}:
 * the host's address, port, user and key); with {@code delegate_to: X}, through X's connection — X's inventory
 * connection vars when the inventory has X, else X as the address with {@code all}'s vars; {@code localhost} and
 * {@code 127.0.0.1} are the controller unless the inventory says otherwise. Templating stays the host's: only
 * the connection changes. Every local target is the one controller agent of the run.
 */
final class ExecutionTargets {
    /** The controller, however it is named: one agent session for all of them ({@link HostTarget#sessionKey}). */
    static final HostTarget CONTROLLER = HostTarget.local("localhost");

    private final Inventory inventory;
    private final Map<String, HostTarget> delegates = new ConcurrentHashMap<>();

    ExecutionTargets(Inventory inventory) {
        this.inventory = inventory;
    }

    /**
     * @param shownAs the host the task ran on when it is not the task's host ({@code [web1 -> lb1]}), else null
     */
    record Where(HostTarget target, String shownAs) {
        /** The same place reached as {@code t} (e.g. with become). */
        Where as(HostTarget t) {
            return new Where(t, shownAs);
        }
    }

    /**
     * @param connection the task's {@code connection} keyword, or null
     * @param delegate   the task's rendered {@code delegate_to}, or null
     * @throws dev.jplay.inventory.InventoryException when the delegate's connection vars are invalid
     */
    Where of(HostRun host, String connection, String delegate) {
        if (delegate != null && !delegate.equals(host.name)) {
            HostTarget target = delegates.computeIfAbsent(delegate, d -> HostTargets.of(d, inventory.varsOfAnyHost(d)));
            return new Where(canonical(target), delegate);
        }
        if (connection == null || connection.equals(kindName(host.target))) return new Where(canonical(host.target), null);
        if (connection.equals("local")) return new Where(CONTROLLER, ConnectionVars.isLocalhost(host.name) ? null : CONTROLLER.name());
        return new Where(HostTargets.of(host.name, host.inventoryVars, connection), null); // ssh to a host the inventory calls local
    }

    /** The controller's one agent speaks as "localhost (local)", whichever local host it serves. */
    private static HostTarget canonical(HostTarget t) {
        return t.kind() == HostTarget.Kind.LOCAL ? CONTROLLER : t;
    }

    private static String kindName(HostTarget t) {
        return t.kind() == HostTarget.Kind.LOCAL ? "local" : "ssh";
    }
}
