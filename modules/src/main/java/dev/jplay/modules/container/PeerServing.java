package dev.jplay.modules.container;

import dev.jplay.modules.ModuleContext;
import dev.jplay.runtime.peer.PeerServer;
import dev.jplay.runtime.store.ContentStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The agent's one blob server for its fleet, started by the first pull that the controller gave peers and kept
 * (in the agent's state, which the agent closes when it exits) for every later pull of the run: a host serves
 * what it has or receives for as long as its agent runs.
 */
final class PeerServing {
    private static final String KEY = "peer-server";

    private PeerServing() {
    }

    /**
     * Starts the server on {@code request}'s address unless it runs; a warning if it cannot listen (the pull goes
     * on: this host's peers take the blobs from elsewhere).
     */
    static Optional<String> ensure(ModuleContext ctx, ContentStore store, PeerRequest request) {
        synchronized (ctx.agentState()) {
            Object running = ctx.agentState().get(KEY);
            if (running instanceof PeerServer) return Optional.empty();
            if (running instanceof String failed) return Optional.of(failed);
            try {
                PeerServer server = PeerServer.start(store, new InetSocketAddress(request.listen().host(), request.listen().port()),
                        request.token());
                ctx.agentState().put(KEY, server);
                return Optional.empty();
            } catch (IOException | RuntimeException e) {
                String warning = "cannot serve image blobs to peers on " + request.listen() + " (" + e.getMessage()
                        + "): the hosts that would take them from here take them from the registry";
                ctx.agentState().put(KEY, warning); // said once per run, not for every pull
                return Optional.of(warning);
            }
        }
    }
}
