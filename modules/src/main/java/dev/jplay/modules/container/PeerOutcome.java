package dev.jplay.modules.container;

import dev.jplay.runtime.registry.PeerSources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What peer distribution did for one pull: bytes from peers, peers dropped and why (result data and warnings). */
record PeerOutcome(PeerSources sources, String serveWarning) {

    Map<String, Object> toData() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("sources", sources == null ? List.of() : sources.sources().stream().map(Object::toString).toList());
        data.put("bytes_from_peers", sources == null ? 0 : sources.bytesFromPeers());
        data.put("blobs_from_peers", sources == null ? 0 : sources.blobsFromPeers());
        List<Map<String, Object>> dropped = new ArrayList<>();
        if (sources != null) {
            for (PeerSources.Drop drop : sources.drops()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("peer", drop.peer().toString());
                d.put("step", "fetch");
                d.put("digest", drop.digest().toString());
                d.put("code", drop.code());
                d.put("message", drop.message());
                dropped.add(d);
            }
        }
        data.put("dropped", dropped);
        if (serveWarning != null) data.put("serving", serveWarning);
        return data;
    }

    /** One line per dropped peer (and one if this host could not serve): the controller prints them with the host. */
    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (serveWarning != null) warnings.add(serveWarning);
        if (sources != null) {
            for (PeerSources.Drop drop : sources.drops()) {
                warnings.add("peer " + drop.peer() + " dropped at fetch of " + drop.digest() + ": " + drop.code() + " ("
                        + drop.message() + "); the blob came from the next peer or the registry");
            }
        }
        return warnings;
    }
}
