package dev.jplay.engine.run;

import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.playbook.Play;
import java.util.List;

/**
 * A host lost in an earlier play (reached once, then its agent died or stopped answering) gets a reconnect
 * with backoff before this play, and is back in the rollout if it answers. Ansible would leave it out for the
 * rest of the run; a host that was never reached still is (it is retried with {@code --retry-failed}).
 */
final class LostHosts {
    private final Connections connections;
    private final Forks forks;
    private final RunListener listener;

    LostHosts(Connections connections, Forks forks, RunListener listener) {
        this.connections = connections;
        this.forks = forks;
        this.listener = listener;
    }

    void reconnectLost(Play play, List<HostRun> runs) {
        // The session it was lost through: with remote_user or become it is not the inventory's bare target.
        List<HostRun> lost = runs.stream().filter(h -> h.unreachable() && connections.connectedOnce(h.lostThrough())).toList();
        if (lost.isEmpty()) return;
        forks.forEachHost(lost, h -> {
            try {
                connections.reconnect(h.lostThrough());
                h.reconnected();
                listener.warning(h.name + ": reconnected, back in the rollout for play '" + play.displayName() + "'");
            } catch (ConnectionException e) {
                listener.warning(h.name + ": still unreachable, left out of play '" + play.displayName() + "': " + e.getMessage());
            }
        });
    }
}
