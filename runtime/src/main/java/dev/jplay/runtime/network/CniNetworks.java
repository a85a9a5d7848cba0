package dev.jplay.runtime.network;

import dev.jplay.runtime.fs.FileClaim;
import dev.jplay.runtime.fs.HostTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Gives containers their own IP on a bridge of this host, with the reference CNI plugins: one network namespace per
 * container, {@code loopback} for {@code lo}, {@code bridge} + {@code static} IPAM for {@code eth0} (the controller
 * chose the address). Idempotent like the task modules: attaching what is already attached changes nothing, a
 * different attachment replaces the old one, detaching twice is fine.
 *
 * <p>State, under {@code <stateDir>/network/}: {@code netns/<container>} (the namespace's bind mount) and
 * {@code attachments/<container>.json} (what was attached, including the plugin's result), so detach and check
 * work after an agent restart. Operations are serialized in this JVM and across agents sharing the state directory
 * (a file lock on {@code network/.lock}): two agents attaching one IP at once give it to one container.
 */
public final class CniNetworks {
    /** The container's interface name. */
    public static final String INTERFACE = "eth0";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    private final NetworkNamespaces namespaces;
    private final AttachmentStore store;
    private final CniPlugins plugins;
    private final CniConfigs configs;
    /** Held for each operation: agents on one host share the state (IP checks, records, namespaces). */
    private final Path lockFile;

    /** Plugins from the host's CNI directories ({@link HostTools#cniDirs}). */
    public CniNetworks(Path stateDir) {
        this(stateDir, HostTools.current().cniDirs());
    }

    /** @param pluginDirs searched in order for each plugin; all of them become the plugins' {@code CNI_PATH} */
    public CniNetworks(Path stateDir, List<Path> pluginDirs) {
        Path root = stateDir.toAbsolutePath().normalize().resolve("network");
        this.namespaces = new NetworkNamespaces(root.resolve("netns"));
        this.store = new AttachmentStore(root.resolve("attachments"));
        this.lockFile = root.resolve(".lock");
        this.plugins = new CniPlugins(pluginDirs);
        this.configs = new CniConfigs();
    }

    /** Where {@code container}'s namespace is (or would be) mounted. */
    public Path netnsPath(String container) {
        return namespaces.path(requireName(container));
    }

    /**
     * Ensures {@code container} has exactly {@code attachment}. Unchanged if it already has it and the plugin's CHECK
     * passes; otherwise the old attachment (if any) is removed and a fresh namespace attached. Call before the
     * container starts: runc joins the namespace, it cannot be swapped under a running container.
     *
     * @throws NetworkException IP_IN_USE, PLUGIN_MISSING, PLUGIN_FAILED, NETNS_FAILED, STATE_FAILED
     */
    public AttachResult attach(String container, NetworkAttachment attachment) {
        requireName(container);
        try (StateLock held = lockState()) {
            plugins.requireAll(List.of(CniConfigs.BRIDGE, CniConfigs.STATIC, CniConfigs.LOOPBACK));
            if (!attachment.ports().isEmpty()) plugins.requireAll(List.of(CniConfigs.PORTMAP));
            Optional<AttachmentRecord> existing = store.read(container);
            if (existing.isPresent() && existing.get().attachment().equals(attachment) && problem(existing.get()) == null) {
                return result(existing.get(), false);
            }
            requireIpFree(container, attachment);
            if (existing.isPresent()) {
                teardown(existing.get());
            } else {
                namespaces.remove(namespaces.path(container)); // left by a crash between namespace and record
            }
            return result(setUp(container, attachment), true);
        }
    }

    /**
     * Runs the plugins' DEL and removes the namespace and the record. True if anything was there. The veth pair
     * disappears with the namespace; the bridge stays (other containers may use it).
     */
    public boolean detach(String container) {
        requireName(container);
        try (StateLock held = lockState()) {
            Optional<AttachmentRecord> existing = store.read(container);
            if (existing.isPresent()) {
                teardown(existing.get());
                return true;
            }
            return namespaces.remove(namespaces.path(container));
        }
    }

    /** Whether the recorded attachment is really there (namespace mounted, bridge plugin CHECK passes). */
    public NetworkStatus check(String container) {
        return check(container, 0);
    }

    /**
     * As {@link #check(String)}, but when {@code pidInNamespace} (the container's running init) shows the attachment
     * intact from /proc and /sys, the bridge plugin is not run ({@link AttachmentProbe}); 0 for no such process.
     */
    public NetworkStatus check(String container, long pidInNamespace) {
        requireName(container);
        try (StateLock held = lockState()) {
            Optional<AttachmentRecord> existing = store.read(container);
            if (existing.isEmpty()) return new NetworkStatus(container, NetworkStatus.State.ABSENT, null, null);
            String problem = AttachmentProbe.looksIntact(existing.get(), pidInNamespace) ? null : problem(existing.get());
            return new NetworkStatus(container, problem == null ? NetworkStatus.State.ATTACHED : NetworkStatus.State.BROKEN,
                    existing.get().attachment(), problem);
        }
    }

    /** Every recorded attachment on this host, by container name. */
    public Map<String, NetworkAttachment> attachments() {
        try (StateLock held = lockState()) {
            Map<String, NetworkAttachment> all = new LinkedHashMap<>();
            for (AttachmentRecord r : store.all()) all.put(r.container(), r.attachment());
            return Collections.unmodifiableMap(all);
        }
    }

    /** The operation lock: one in this JVM and across agents; an operation that saw an IP free keeps it free. */
    private StateLock lockState() {
        try {
            Files.createDirectories(lockFile.getParent());
            return new StateLock(FileClaim.acquire(lockFile));
        } catch (IOException e) {
            throw new NetworkException(NetworkException.STATE_FAILED, "cannot lock " + lockFile + ": " + e.getMessage(), e)
                    .detail("path", lockFile.toString());
        }
    }

    private record StateLock(FileClaim claim) implements AutoCloseable {
        @Override
        public void close() {
            try {
                claim.close();
            } catch (IOException e) {
                throw new NetworkException(NetworkException.STATE_FAILED, "cannot unlock " + claim.file() + ": " + e.getMessage(), e)
                        .detail("path", claim.file().toString());
            }
        }
    }

    // ---- steps ----

    private AttachmentRecord setUp(String container, NetworkAttachment attachment) {
        String cniId = "jplay-" + container;
        Path netns = namespaces.create(container);
        CniPlugins.Target eth = new CniPlugins.Target(cniId, netns, INTERFACE);
        try {
            plugins.invoke(CniPlugins.Command.ADD, configs.loopback(), new CniPlugins.Target(cniId, netns, "lo"));
            Map<String, Object> result = plugins.invoke(CniPlugins.Command.ADD, configs.bridge(attachment), eth);
            CniResult.parse(result, INTERFACE, attachment.bridge()); // fails early on a result we could not report
            if (!attachment.ports().isEmpty()) plugins.invoke(CniPlugins.Command.ADD, configs.portmap(attachment, result), eth);
            forgetNeighbour(attachment);
            AttachmentRecord record = new AttachmentRecord(container, attachment, netns.toString(), cniId, INTERFACE, result);
            store.write(record);
            return record;
        } catch (RuntimeException e) {
            try {
                if (!attachment.ports().isEmpty()) plugins.invoke(CniPlugins.Command.DEL, configs.portmap(attachment, null), eth);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                plugins.invoke(CniPlugins.Command.DEL, configs.bridge(attachment), eth);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                namespaces.remove(netns);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The host forgets the MAC address it last saw at the container's address: a reused address (a start-first spare
     * given back, a restored revision at its old address, a recreate) otherwise stays unreachable until the kernel's
     * stale entry for the old veth fails its probes, 5-10 s (measured: every health check of a container restored at
     * its old address timed out after 3 s). Best effort: without iproute2 the entry ages out as before.
     */
    private void forgetNeighbour(NetworkAttachment attachment) {
        Optional<Path> ip = HostTools.current().find("ip");
        if (ip.isEmpty()) return;
        try {
            dev.jplay.runtime.fs.HostCommand.run(List.of(ip.get().toString(), "neigh", "flush", "dev", attachment.bridge(), "to",
                    attachment.ip()), java.time.Duration.ofSeconds(10));
        } catch (dev.jplay.runtime.fs.HostCommand.Failed e) {
            // the entry ages out as before
        }
    }

    /** DEL, then namespace and record go even if DEL failed (the namespace takes the veth with it); then rethrow. */
    private void teardown(AttachmentRecord record) {
        Path netns = Path.of(record.netns());
        RuntimeException failure = null;
        if (namespaces.isMounted(netns)) { // after a reboot there is nothing left for the plugins to undo
            try {
                CniPlugins.Target eth = new CniPlugins.Target(record.cniContainerId(), netns, record.interfaceName());
                // Reverse order of ADD: the port rules point at the address the bridge DEL releases.
                if (!record.attachment().ports().isEmpty()) {
                    plugins.invoke(CniPlugins.Command.DEL, configs.portmap(record.attachment(), null), eth);
                }
                plugins.invoke(CniPlugins.Command.DEL, configs.bridge(record.attachment()), eth);
                plugins.invoke(CniPlugins.Command.DEL, configs.loopback(), new CniPlugins.Target(record.cniContainerId(), netns, "lo"));
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        namespaces.remove(netns);
        store.delete(record.container());
        if (failure != null) throw failure;
    }

    /** Null if the recorded attachment is intact, else what is wrong. */
    private String problem(AttachmentRecord record) {
        Path netns = Path.of(record.netns());
        if (!namespaces.isMounted(netns)) return "network namespace " + netns + " is gone (host rebooted, or removed by hand)";
        try {
            CniPlugins.Target eth = new CniPlugins.Target(record.cniContainerId(), netns, record.interfaceName());
            plugins.invoke(CniPlugins.Command.CHECK,
                    configs.withPrevResult(configs.bridge(record.attachment()), record.bridgeResult()), eth);
            if (!record.attachment().ports().isEmpty()) {
                plugins.invoke(CniPlugins.Command.CHECK, configs.portmap(record.attachment(), record.bridgeResult()), eth);
            }
            return null;
        } catch (NetworkException e) {
            if (NetworkException.PLUGIN_MISSING.equals(e.code())) throw e;
            return e.getMessage();
        }
    }

    private void requireIpFree(String container, NetworkAttachment wanted) {
        for (AttachmentRecord other : store.all()) {
            if (other.container().equals(container)) continue;
            NetworkAttachment theirs = other.attachment();
            boolean v4 = theirs.ip().equals(wanted.ip());
            boolean v6 = wanted.ipv6() != null && theirs.ipv6() != null
                    && addressOf(theirs.ipv6()).equals(addressOf(wanted.ipv6()));
            if (v4 || v6) {
                String ip = v4 ? wanted.ip() : wanted.ipv6();
                throw new NetworkException(NetworkException.IP_IN_USE,
                        ip + " is already attached to container '" + other.container() + "' on bridge " + theirs.bridge())
                        .detail("ip", ip).detail("container", other.container()).detail("bridge", theirs.bridge());
            }
        }
        String hostInterface = hostInterfaceWith(wanted.ip());
        if (hostInterface != null) {
            throw new NetworkException(NetworkException.IP_IN_USE, wanted.ip() + " is an address of host interface " + hostInterface)
                    .detail("ip", wanted.ip()).detail("interface", hostInterface);
        }
    }

    private static InetAddress addressOf(String cidr) {
        String address = cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
        try {
            return InetAddress.getByName(address); // validated literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hostInterfaceWith(String ip) {
        InetAddress address = addressOf(ip);
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (Collections.list(nic.getInetAddresses()).contains(address)) return nic.getName();
            }
            return null;
        } catch (SocketException e) {
            throw new java.io.UncheckedIOException("cannot list host interfaces to check " + ip, e);
        }
    }

    private static AttachResult result(AttachmentRecord record, boolean changed) {
        CniResult cni = CniResult.parse(record.bridgeResult(), record.interfaceName(), record.attachment().bridge());
        return new AttachResult(record.container(), Path.of(record.netns()), record.interfaceName(), record.attachment().ip(),
                cni.addresses(), cni.mac(), cni.hostInterface(), record.attachment(), changed);
    }

    private static String requireName(String container) {
        if (container == null || !NAME.matcher(container).matches()) {
            throw new NetworkException(NetworkException.BAD_ATTACHMENT,
                    "container name must match " + NAME.pattern() + ", got '" + container + "'");
        }
        return container;
    }
}
