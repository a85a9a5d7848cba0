package dev.jplay.engine.connection;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.sshj.SSHClient;

/**
 * One SSH connection per host, shared by the agents started over it (the login user's and a privileged one, each
 * on its own exec channel). Opened by the first agent that needs it, ended when the last one lets go; a connection
 * found dead is replaced by the next {@link #acquire} (its old users end it when they let go).
 */
final class SharedClients {
    interface Opener {
        SshConnector.Connected open() throws ConnectionException;
    }

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    private static final class Slot {
        SshConnector.Connected connected;
        SSHClient client;
        int users;
    }

    /** The host's live connection, opened with {@code opener} (under the host's lock) when it has none. */
    Lease acquire(String key, Opener opener) throws ConnectionException {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (slot) {
            boolean fresh = false;
            if (slot.client == null || !slot.client.isConnected() || !slot.client.isAuthenticated()) {
                slot.connected = opener.open();
                slot.client = slot.connected.client();
                slot.users = 0;
                fresh = true;
            }
            slot.users++;
            return new Lease(slot, slot.connected, fresh);
        }
    }

    /** One agent's use of a host's connection. */
    static final class Lease {
        private final Slot slot;
        private final SSHClient client;
        private final SshEndpoint endpoint;
        private final boolean fresh;
        private boolean released;

        private Lease(Slot slot, SshConnector.Connected connected, boolean fresh) {
            this.slot = slot;
            this.client = connected.client();
            this.endpoint = connected.endpoint();
            this.fresh = fresh;
        }

        SSHClient client() { return client; }

        /** Where and as whom the connection logged in (after ~/.ssh/config and the settings). */
        SshEndpoint endpoint() { return endpoint; }

        /** True when this lease opened the connection (its connect time is this agent's). */
        boolean fresh() { return fresh; }

        /**
         * Lets go of the connection; the last user ends it. Returns true when it ended, false when another agent
         * still uses it (the caller then ends only its own channel). Idempotent.
         */
        boolean release() {
            synchronized (slot) {
                if (released) return slot.client != client || slot.users == 0;
                released = true;
                if (slot.client != client) { // replaced after it died, or abandoned: end it for everyone
                    disconnect(client);
                    return true;
                }
                if (--slot.users > 0) return false;
                slot.client = null;
            }
            disconnect(client);
            return true;
        }

        /**
         * The connection is not to be reused (an agent on it stopped answering): the next {@link #acquire} opens a
         * new one, and each lease ends this one when it lets go. Does not block.
         */
        void abandon() {
            synchronized (slot) {
                if (slot.client == client) slot.client = null;
            }
        }

        private static void disconnect(SSHClient c) {
            try {
                c.disconnect();
            } catch (IOException | RuntimeException e) {
                // Best effort: the transport may already be down.
            }
        }
    }
}
