package dev.jplay.runtime.network;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Verifies an attachment from /proc and /sys, without running the bridge plugin's CHECK (a fork and exec of a Go
 * binary per container): a process of the container is in the recorded namespace, has the address there, and the host
 * end of the veth is up on the bridge. Only a positive answer is trusted; anything else gets the plugin's CHECK.
 */
final class AttachmentProbe {
    private static final Path SYS_NET = Path.of("/sys/class/net");

    private AttachmentProbe() {}

    /** True if everything the bridge plugin's CHECK looks at is visibly in place; false means "ask the plugin". */
    static boolean looksIntact(AttachmentRecord record, long pidInNamespace) {
        NetworkAttachment a = record.attachment();
        if (pidInNamespace <= 0 || a.ipv6() != null) return false; // fib_trie covers IPv4 only
        Path proc = Path.of("/proc", Long.toString(pidInNamespace));
        try {
            if (!Files.isSameFile(Path.of(record.netns()), proc.resolve("ns/net"))) return false;
            if (!hasLocalAddress(Files.readAllLines(proc.resolve("net/fib_trie")), a.ip())) return false;
            CniResult cni = CniResult.parse(record.bridgeResult(), record.interfaceName(), a.bridge());
            return cni.hostInterface() != null && vethUpOnBridge(cni.hostInterface(), a.bridge());
        } catch (IOException | RuntimeException unsure) {
            return false;
        }
    }

    /**
     * The host end exists and is up in this process's namespace (ioctl, as {@code ip link} sees it), and sits on the
     * bridge. sysfs shows the namespace of whoever mounted /sys: a host that is itself a network namespace (the test
     * fleets) sees another one there, told by a different ifindex; then the bridge port cannot be read and existence
     * and link state is what is checked.
     */
    private static boolean vethUpOnBridge(String veth, String bridge) throws IOException {
        NetworkInterface nic = NetworkInterface.getByName(veth);
        if (nic == null || !nic.isUp()) return false;
        Path sys = SYS_NET.resolve(veth);
        String sysIndex;
        try {
            sysIndex = Files.readString(sys.resolve("ifindex")).trim();
        } catch (NoSuchFileException otherNamespace) {
            return true;
        }
        if (Integer.parseInt(sysIndex) != nic.getIndex()) return true; // sysfs of another namespace
        return Files.readSymbolicLink(sys.resolve("master")).getFileName().toString().equals(bridge);
    }

    /** /proc/PID/net/fib_trie lists each local address as "|-- IP" followed by "/32 host LOCAL". */
    static boolean hasLocalAddress(List<String> fibTrie, String ip) {
        String entry = "|-- " + ip;
        for (int i = 0; i + 1 < fibTrie.size(); i++) {
            if (fibTrie.get(i).trim().equals(entry) && fibTrie.get(i + 1).trim().startsWith("/32 host LOCAL")) return true;
        }
        return false;
    }
}
