package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AttachmentProbeTest {
    /** /proc/PID/net/fib_trie of a container namespace with eth0 at 10.88.0.23/24 (as printed by Linux 6.1). */
    private static final List<String> FIB_TRIE = """
            Main:
              +-- 0.0.0.0/0 3 0 5
                 |-- 0.0.0.0
                    /0 universe UNICAST
                 +-- 10.88.0.0/24 2 0 2
                    |-- 10.88.0.0
                       /24 link UNICAST
                    |-- 10.88.0.23
                       /32 host LOCAL
                    |-- 10.88.0.255
                       /32 link BROADCAST
            Local:
              +-- 127.0.0.0/8 2 0 2
                 |-- 127.0.0.1
                    /32 host LOCAL
            """.lines().toList();

    @Test
    void aLocalAddressIsFoundAndARouteOrBroadcastIsNot() {
        assertTrue(AttachmentProbe.hasLocalAddress(FIB_TRIE, "10.88.0.23"));
        assertFalse(AttachmentProbe.hasLocalAddress(FIB_TRIE, "10.88.0.2"), "a prefix of the address is not the address");
        assertFalse(AttachmentProbe.hasLocalAddress(FIB_TRIE, "10.88.0.0"), "the network route is no local address");
        assertFalse(AttachmentProbe.hasLocalAddress(FIB_TRIE, "10.88.0.255"), "broadcast is no local address");
    }
}
