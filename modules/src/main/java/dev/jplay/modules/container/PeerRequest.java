package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.registry.PeerSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Peer-to-peer image distribution for one pull, as the controller plans it ({@code _peers}, set by the controller,
 * not by playbooks): where this host's blob server listens, the run's token, and the hosts to take blobs from
 * before the registry, in order. {@link #toString()} leaves the token out.
 */
record PeerRequest(PeerSource listen, byte[] token, List<PeerSource> sources) {
    static final String ARG = "_peers";

    static PeerRequest from(ModuleArgs args) throws ModuleException {
        if (!args.has(ARG)) return null;
        if (!(args.raw().get(ARG) instanceof Map<?, ?> map)) throw bad("a mapping");
        try {
            PeerSource listen = PeerSource.parse(String.valueOf(map.get("listen")));
            if (!(map.get("token") instanceof String token) || token.length() < 16) throw bad("a token of at least 16 characters");
            List<PeerSource> sources = new ArrayList<>();
            if (map.get("sources") instanceof List<?> list) {
                for (Object source : list) sources.add(PeerSource.parse(String.valueOf(source)));
            } else if (map.get("sources") != null) {
                throw bad("sources as a list of host:port");
            }
            return new PeerRequest(listen, token.getBytes(StandardCharsets.US_ASCII), sources);
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", ARG + ": " + e.getMessage());
        }
    }

    private static ModuleException bad(String want) {
        return new ModuleException(Step.ARGS, "ARG_VALUE", ARG + " wants " + want + " (it is set by the controller)");
    }

    @Override
    public String toString() {
        return "PeerRequest[listen=" + listen + ", sources=" + sources + "]";
    }
}
