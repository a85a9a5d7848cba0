package dev.jplay.runtime.network;

import dev.jplay.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of a CNI 1.0 ADD result jplay reports: the container interface (the one with a {@code sandbox}), its
 * MAC and addresses, and the host end of the veth pair (no sandbox, not the bridge).
 */
record CniResult(String interfaceName, String mac, List<String> addresses, String hostInterface) {

    static CniResult parse(Map<String, Object> result, String ifName, String bridge) {
        try {
            List<Object> interfaces = orEmpty(Json.list(result, "interfaces"));
            int index = -1;
            String hostInterface = null;
            for (int i = 0; i < interfaces.size(); i++) {
                Map<String, Object> iface = Json.asObject(interfaces.get(i));
                String name = orEmpty(Json.string(iface, "name"));
                String sandbox = Json.string(iface, "sandbox");
                if (sandbox != null && !sandbox.isEmpty()) {
                    if (name.equals(ifName)) index = i;
                } else if (!name.equals(bridge)) {
                    hostInterface = name;
                }
            }
            if (index < 0) throw failed("has no interface " + ifName + " inside the container", result);
            List<String> addresses = new ArrayList<>();
            for (Object entry : orEmpty(Json.list(result, "ips"))) {
                Map<String, Object> ip = Json.asObject(entry);
                Integer ipInterface = Json.intValue(ip, "interface");
                if (ipInterface != null && ipInterface == index) addresses.add(orEmpty(Json.string(ip, "address")));
            }
            String mac = Json.string(Json.asObject(interfaces.get(index)), "mac");
            return new CniResult(ifName, mac, List.copyOf(addresses), hostInterface);
        } catch (IllegalArgumentException e) {
            throw failed("is malformed (" + e.getMessage() + ")", result);
        }
    }

    private static NetworkException failed(String problem, Map<String, Object> result) {
        return new NetworkException(NetworkException.PLUGIN_FAILED, "CNI bridge result " + problem + ": " + Json.writeString(result))
                .detail("plugin", CniConfigs.BRIDGE);
    }

    private static List<Object> orEmpty(List<Object> list) { return list == null ? List.of() : list; }

    private static String orEmpty(String s) { return s == null ? "" : s; }
}
