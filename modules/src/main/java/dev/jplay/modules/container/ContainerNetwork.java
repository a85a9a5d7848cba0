package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.launch.ContainerSpec;
import dev.jplay.runtime.launch.NetworkMode;
import dev.jplay.runtime.network.AttachResult;
import dev.jplay.runtime.network.CniNetworks;
import dev.jplay.runtime.network.NetworkAttachment;
import dev.jplay.runtime.network.NetworkException;
import dev.jplay.runtime.network.NetworkStatus;
import dev.jplay.runtime.network.PortMapping;
import dev.jplay.runtime.network.PublishedPorts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code network} argument of {@code container}: the container's own IP on a bridge of its host, attached with
 * {@link CniNetworks} before the container starts (runc joins the namespace).
 *
 * <pre>
 * network: "{{ instance }}"        # an item of jplay_instances, as is
 * network: {ip: 10.88.0.23, prefix_len: 24, gateway: 10.88.0.1, bridge: jp-web, mtu: 1400, masquerade: false}
 * published_ports: ["8080:80", "127.0.0.1:9090:9090/udp"]
 * </pre>
 *
 * {@code masquerade} (default true, as Docker's bridge): traffic the container sends off its subnet leaves with the
 * host's address. {@code published_ports} (Ansible docker_container's syntax, {@link PublishedPorts}) forwards host
 * ports to the container with the CNI {@code portmap} plugin; they are part of the attachment, so changing them
 * recreates the container. With {@code network_mode: host} they are discarded with a warning, as Docker does.
 *
 * A changed attachment recreates the container (its namespace cannot be swapped under it); a container that loses
 * its {@code network} argument is recreated without one and its attachment is removed. {@code state: absent}
 * detaches. Without {@code network} and without a recorded attachment nothing here runs a plugin.
 */
final class ContainerNetwork {
    static final String ARG = "network";
    static final String PORTS_ARG = "published_ports";
    private static final Set<String> KEYS = Set.of("ip", "prefix_len", "gateway", "bridge", "mtu", "masquerade");
    /** The other keys of a {@code jplay_instances} item: accepted so {@code network: "{{ instance }}"} works. */
    private static final Set<String> INSTANCE_KEYS = Set.of("index", "name", "host", "app", "pool");

    private final CniNetworks cni;
    private final String container;
    private final NetworkAttachment wanted;
    private AttachResult attached;
    /** Set by {@link #difference}: nothing to attach or detach. */
    private boolean inPlace;
    private final List<String> warnings = new ArrayList<>();

    private ContainerNetwork(CniNetworks cni, String container, NetworkAttachment wanted) {
        this.cni = cni;
        this.container = container;
        this.wanted = wanted;
    }

    /** The network side of {@code container}'s task; {@code wanted} is empty when the task has no {@code network}. */
    static ContainerNetwork of(ModuleArgs args, ModuleContext ctx, String container) throws ModuleException {
        NetworkAttachment wanted = attachment(args.raw().get(ARG));
        if (wanted != null && args.has("network_mode")) {
            throw new ModuleException(Step.ARGS, "ARG_CONFLICT", "container: network and network_mode exclude each other "
                    + "(network puts the container in its own namespace)");
        }
        List<PortMapping> ports = publishedPorts(args);
        String discarded = null;
        if (!ports.isEmpty()) {
            if (wanted != null) {
                wanted = wanted.withPorts(ports);
            } else if ("host".equals(args.string("network_mode", "none"))) {
                discarded = "published_ports are discarded with network_mode host: the container listens on the host's own ports";
            } else {
                throw new ModuleException(Step.ARGS, "ARG_CONFLICT", "container: published_ports need a network (an item of "
                        + "jplay_instances or {ip, prefix_len, gateway}) to forward to; the container has none");
            }
        }
        ContainerNetwork network = new ContainerNetwork(networks(ctx), container, wanted);
        if (discarded != null) network.warnings.add(discarded);
        return network;
    }

    /** {@code published_ports}: a list of Docker-style entries (one string is taken as a list of one). */
    static List<PortMapping> publishedPorts(ModuleArgs args) throws ModuleException {
        if (!args.has(PORTS_ARG)) return List.of();
        Object raw = args.raw().get(PORTS_ARG);
        List<String> entries = raw instanceof List ? args.strings(PORTS_ARG) : List.of(args.string(PORTS_ARG));
        try {
            return PublishedPorts.parse(entries);
        } catch (NetworkException e) {
            throw new ModuleException(Step.ARGS, e.code(), "container: " + e.getMessage()).detail("published_port", e.detail().get("published_port"));
        }
    }

    /** This agent's one {@link CniNetworks} for its state directory, shared by all its requests. */
    static CniNetworks networks(ModuleContext ctx) {
        return (CniNetworks) ctx.agentState().computeIfAbsent("cni-networks:" + ctx.stateDir(),
                key -> new CniNetworks(ctx.stateDir()));
    }

    /** {@code network} as an attachment; null when absent. Numbers may come as text (rendered templates). */
    static NetworkAttachment attachment(Object value) throws ModuleException {
        if (value == null) return null;
        if (!(value instanceof Map<?, ?> map)) {
            throw new ModuleException(Step.ARGS, "ARG_TYPE", "container: network must be a mapping {ip, prefix_len, gateway, bridge, mtu}, got '"
                    + value + "'");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key)) && !INSTANCE_KEYS.contains(String.valueOf(key))) {
                throw new ModuleException(Step.ARGS, "ARG_UNKNOWN", "container: network has an unsupported key '" + key
                        + "' (supported: ip, prefix_len, gateway, bridge, mtu, masquerade)");
            }
        }
        for (String required : new String[] {"ip", "prefix_len", "gateway"}) {
            if (map.get(required) == null || String.valueOf(map.get(required)).isBlank()) {
                throw new ModuleException(Step.ARGS, "ARG_MISSING", "container: network needs '" + required
                        + "' (an item of jplay_instances has it when the replicas use an ip pool)");
            }
        }
        try {
            Object mtu = map.get("mtu");
            return new NetworkAttachment(text(map.get("bridge")), text(map.get("ip")), integer(map, "prefix_len"),
                    text(map.get("gateway")), null, null, mtu == null || String.valueOf(mtu).isBlank() ? null : integer(map, "mtu"),
                    masquerade(map.get("masquerade")), List.of());
        } catch (NetworkException e) {
            throw new ModuleException(Step.ARGS, e.code(), "container: network: " + e.getMessage());
        }
    }

    /** {@code masquerade}: true unless false (a rendered template gives text: false/no/off/0). */
    private static boolean masquerade(Object value) throws ModuleException {
        if (value == null || value instanceof Boolean b && b) return true;
        if (value instanceof Boolean) return false;
        String s = String.valueOf(value).trim().toLowerCase(java.util.Locale.ROOT);
        if (List.of("true", "yes", "on", "1", "").contains(s)) return true;
        if (List.of("false", "no", "off", "0").contains(s)) return false;
        throw new ModuleException(Step.ARGS, "ARG_TYPE", "container: network.masquerade must be true or false, got '" + value + "'");
    }

    boolean wanted() {
        return wanted != null;
    }

    /** The spec joins the container's namespace when it has a {@code network}. */
    ContainerSpec applyTo(ContainerSpec spec) {
        if (wanted == null) return spec;
        return spec.toBuilder().networkMode(new NetworkMode(NetworkMode.Kind.PATH, cni.netnsPath(container).toString())).build();
    }

    /**
     * What must change: empty when the recorded attachment is what is wanted and intact (or there is none and none is
     * wanted); else a {@code "network: old -> new"} line for the result's changes and diff. Runs the bridge plugin's
     * CHECK only when there is a recorded attachment and {@code containerPid} (the running container's init, or null)
     * does not show it intact.
     */
    Optional<String> difference(Integer containerPid) throws ModuleException {
        NetworkStatus status = guarded(() -> cni.check(container, containerPid == null ? 0 : containerPid));
        NetworkAttachment current = status.attachment();
        inPlace = wanted == null ? current == null : status.state() == NetworkStatus.State.ATTACHED && wanted.equals(current);
        if (inPlace) return Optional.empty();
        if (wanted == null) return Optional.of("network: " + describe(current) + " -> none");
        String before = current == null ? "none" : describe(current) + (status.state() == NetworkStatus.State.BROKEN ? " (broken)" : "");
        return Optional.of("network: " + before + " -> " + describe(wanted));
    }

    /**
     * Makes the attachment what is wanted (attach, or detach when none is wanted), unless {@link #difference} found it
     * in place; call after the container is gone.
     */
    void converge() throws ModuleException {
        if (inPlace) return;
        if (wanted == null) {
            guarded(() -> cni.detach(container));
        } else {
            warnIfBridgeMoves();
            attached = guarded(() -> cni.attach(container, wanted));
        }
    }

    /**
     * A bridge carries one IPv4 subnet: the first attachment with another gateway moves it (a re-addressed pool), and
     * the containers still on the old subnet lose their gateway until they are re-addressed too. Say which.
     */
    private void warnIfBridgeMoves() throws ModuleException {
        Map<String, NetworkAttachment> all = guarded(cni::attachments);
        List<String> stranded = new ArrayList<>();
        for (Map.Entry<String, NetworkAttachment> e : all.entrySet()) {
            NetworkAttachment other = e.getValue();
            if (e.getKey().equals(container) || !other.bridge().equals(wanted.bridge())) continue;
            if (other.gateway().equals(wanted.gateway()) && other.prefixLen() == wanted.prefixLen()) return; // already moved
            stranded.add(e.getKey());
        }
        if (stranded.isEmpty()) return;
        warnings.add("bridge " + wanted.bridge() + " moves to " + wanted.gateway() + "/" + wanted.prefixLen() + ": " + stranded.size()
                + " container(s) on its old subnet are cut off from the host until they get an address of the new one ("
                + String.join(", ", stranded.subList(0, Math.min(5, stranded.size()))) + (stranded.size() > 5 ? ", ..." : "") + ")");
    }

    /** {@code runtime} warnings plus the network's. */
    List<String> withWarnings(List<String> runtime) {
        if (warnings.isEmpty()) return runtime;
        List<String> all = new ArrayList<>(runtime);
        all.addAll(warnings);
        return all;
    }

    /** True if an attachment is recorded for the container (intact or not). */
    boolean recorded() throws ModuleException {
        return guarded(() -> cni.check(container)).state() != NetworkStatus.State.ABSENT;
    }

    /** Removes the attachment; true if there was one. Call after the container is gone. */
    boolean detach() throws ModuleException {
        return guarded(() -> cni.detach(container));
    }

    /**
     * {@code ip} and {@code network} in the result data: what {@link #converge} attached, else what is wanted (which
     * is what is attached when nothing had to change, or what would be in check mode). Nothing without {@code network}.
     */
    void report(ModuleResult.Builder out) {
        if (wanted == null) return;
        NetworkAttachment a = attached != null ? attached.attachment() : wanted;
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("ip", a.ip());
        n.put("prefix_len", a.prefixLen());
        n.put("gateway", a.gateway());
        n.put("bridge", a.bridge());
        if (a.mtu() != null) n.put("mtu", a.mtu());
        n.put("masquerade", a.masquerade());
        n.put("published_ports", a.ports().stream().map(PortMapping::toString).toList());
        n.put("netns", cni.netnsPath(container).toString());
        if (attached != null) {
            n.put("addresses", attached.addresses());
            n.put("mac", attached.mac());
            n.put("host_interface", attached.hostInterface());
        }
        out.put("ip", a.ip()).put("network", n);
    }

    /** The container's own IP when it has a network, else null: where health checks without a target go. */
    String address() {
        return wanted == null ? null : wanted.ip();
    }

    static String describe(NetworkAttachment a) {
        return a.cidr() + " via " + a.gateway() + " on " + a.bridge() + (a.mtu() == null ? "" : " mtu " + a.mtu())
                + (a.masquerade() ? "" : " without masquerade")
                + (a.ports().isEmpty() ? "" : " ports " + a.ports().stream().map(PortMapping::toString).collect(java.util.stream.Collectors.joining(",")));
    }

    static ModuleException failure(NetworkException e, String container) {
        ModuleException m = new ModuleException(NetworkException.STEP, e.code(), "container " + container + ": " + e.getMessage(), e);
        for (Map.Entry<String, Object> d : e.detail().entrySet()) {
            // IP_IN_USE names the container holding the address: keep "container" for the one that failed.
            m.detail(d.getKey().equals("container") ? "other_container" : d.getKey(), d.getValue());
        }
        return m.detail("container", container);
    }

    private interface NetworkCall<T> {
        T run();
    }

    private <T> T guarded(NetworkCall<T> call) throws ModuleException {
        try {
            return call.run();
        } catch (NetworkException e) {
            throw failure(e, container);
        } catch (java.io.UncheckedIOException e) {
            throw new ModuleException(NetworkException.STEP, "NETWORK_IO", "container " + container + ": " + e.getMessage(), e)
                    .detail("container", container);
        }
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value).trim();
    }

    private static int integer(Map<?, ?> map, String key) throws ModuleException {
        Object v = map.get(key);
        if (v instanceof Number n) return n.intValue();
        String s = String.valueOf(v).trim();
        if (s.startsWith("/")) s = s.substring(1); // "/24"
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ModuleException(Step.ARGS, "ARG_TYPE", "container: network." + key + " must be a number, got '" + v + "'");
        }
    }
}
