package dev.jplay.runtime.network;

import dev.jplay.protocol.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an attach did, persisted per container so a detach or check works after an agent restart: the request, the
 * namespace, and the bridge plugin's ADD result verbatim (CHECK needs it back as {@code prevResult}).
 */
record AttachmentRecord(
        String container,
        NetworkAttachment attachment,
        String netns,
        String cniContainerId,
        String interfaceName,
        Map<String, Object> bridgeResult) {

    /** Field names and order as the record files have been written since the first release. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("container", container);
        m.put("attachment", attachment == null ? null : attachment.toJson());
        m.put("netns", netns);
        m.put("cni_container_id", cniContainerId);
        m.put("interface_name", interfaceName);
        m.put("bridge_result", bridgeResult);
        return m;
    }

    static AttachmentRecord fromJson(Map<String, Object> m) {
        Map<String, Object> attachment = Json.object(m, "attachment");
        return new AttachmentRecord(Json.string(m, "container"),
                attachment == null ? null : NetworkAttachment.fromJson(attachment), Json.string(m, "netns"),
                Json.string(m, "cni_container_id"), Json.string(m, "interface_name"), Json.object(m, "bridge_result"));
    }
}
