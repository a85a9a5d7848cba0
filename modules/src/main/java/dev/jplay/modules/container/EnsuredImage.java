package dev.jplay.modules.container;

import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageConfig;
import dev.jplay.runtime.image.ImageReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image present (and, if asked, unpacked) on this host.
 *
 * @param digest what the reference resolved to (index or manifest)
 * @param manifestDigest this platform's manifest: the identity a container is created from
 * @param pulled whether anything was downloaded
 * @param layersUnpacked layers unpacked in this run (0 when all were already in the layer store)
 * @param reclaimedBytes what the pull deleted first of the leftovers of interrupted pulls (no live agent's)
 * @param peers what peer distribution did, or null when the controller gave this pull no peers
 */
record EnsuredImage(ImageReference reference, Digest digest, Digest manifestDigest, Digest configDigest, ImageConfig config,
        List<Descriptor> layers, boolean pulled, long bytesDownloaded, int layersUnpacked, long reclaimedBytes, long millis,
        PeerOutcome peers) {

    boolean changed() {
        return pulled || layersUnpacked > 0;
    }

    List<Digest> diffIds() {
        return config.diffIds();
    }

    /** Result data: what {@code docker image inspect} would say about it. */
    Map<String, Object> toData() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reference", reference.toString());
        data.put("digest", digest.toString());
        data.put("manifest_digest", manifestDigest.toString());
        data.put("config_digest", configDigest.toString());
        List<Map<String, Object>> layerData = new ArrayList<>();
        long size = 0;
        for (int i = 0; i < layers.size(); i++) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("digest", layers.get(i).digest().toString());
            layer.put("diff_id", config.diffIds().get(i).toString());
            layer.put("size", layers.get(i).size());
            layer.put("media_type", layers.get(i).mediaType());
            layerData.add(layer);
            size += layers.get(i).size();
        }
        data.put("layers", layerData);
        data.put("size", size);
        data.put("config", configSummary());
        data.put("bytes_downloaded", bytesDownloaded);
        data.put("layers_unpacked", layersUnpacked);
        data.put("reclaimed_bytes", reclaimedBytes);
        data.put("duration_ms", millis);
        if (peers != null) data.put("peers", peers.toData());
        return data;
    }

    EnsuredImage withPeers(PeerOutcome outcome) {
        return new EnsuredImage(reference, digest, manifestDigest, configDigest, config, layers, pulled, bytesDownloaded,
                layersUnpacked, reclaimedBytes, millis, outcome);
    }

    /** Dropped peers and serving problems, for the result's warnings. */
    List<String> warnings() {
        return peers == null ? List.of() : peers.warnings();
    }

    private Map<String, Object> configSummary() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("os", config.os());
        c.put("architecture", config.architecture());
        c.put("entrypoint", config.entrypoint());
        c.put("cmd", config.cmd());
        c.put("env", config.env());
        c.put("working_dir", config.workingDir());
        c.put("user", config.user());
        c.put("exposed_ports", List.copyOf(config.exposedPorts()));
        c.put("labels", config.labels());
        return c;
    }

    /** The subset of the config that decides how a process starts, in the launcher's terms. */
    dev.jplay.runtime.launch.ImageConfig launchConfig() {
        return new dev.jplay.runtime.launch.ImageConfig(config.entrypoint(), config.cmd(), config.env(), config.workingDir(),
                config.user());
    }
}
