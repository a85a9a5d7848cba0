package dev.jplay.runtime.network;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an attach did, persisted per container so a detach or check works after an agent restart: the request, the
 * namespace, and the bridge plugin's ADD result verbatim (CHECK needs it back as {@code prevResult}).
 */
record AttachmentRecord(
        String container,
        NetworkAttachment attachment,
        String netns,
        @JsonProperty("cni_container_id") String cniContainerId,
        @JsonProperty("interface_name") String interfaceName,
        @JsonProperty("bridge_result") JsonNode bridgeResult) {}
