package dev.jplay.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a CNI 1.0 ADD result jplay reports: the container interface (the one with a {@code sandbox}), its
 * MAC and addresses, and the host end of the veth pair (no sandbox, not the bridge).
 */
record CniResult(String interfaceName, String mac, List<String> addresses, String hostInterface) {

    static CniResult parse(JsonNode result, String ifName, String bridge) {
        JsonNode interfaces = result.path("interfaces");
        int index = -1;
        String hostInterface = null;
        for (int i = 0; i < interfaces.size(); i++) {
            JsonNode iface = interfaces.get(i);
            String name = iface.path("name").asText();
            if (iface.hasNonNull("sandbox") && !iface.path("sandbox").asText().isEmpty()) {
                if (name.equals(ifName)) index = i;
            } else if (!name.equals(bridge)) {
                hostInterface = name;
            }
        }
        if (index < 0) {
            throw new NetworkException(NetworkException.PLUGIN_FAILED,
                    "CNI bridge result has no interface " + ifName + " inside the container: " + result)
                    .detail("plugin", CniConfigs.BRIDGE);
        }
        List<String> addresses = new ArrayList<>();
        for (JsonNode ip : result.path("ips")) {
            if (ip.path("interface").asInt(-1) == index) addresses.add(ip.path("address").asText());
        }
        return new CniResult(ifName, interfaces.get(index).path("mac").asText(null), List.copyOf(addresses), hostInterface);
    }
}
