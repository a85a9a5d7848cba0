package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which sockets a fleet service's port would take from, as /proc/net's tables show them. */
class ListeningSocketsTest {
    private static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 342 1 0 100 0 0 10 0
               1: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 343 1 0 100 0 0 10 0
               2: 0100D50A:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 344 1 0 100 0 0 10 0
               3: 0100D50A:0050 0F00D50A:E1FC 01 00000000:00000000 03:00000A37 00000000     0        0 0 3 0
            """;
    private static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue
               0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000
               1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000
            """;
    private static final String UDP = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              100: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 20 2 0 0
              101: 0100007F:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 21 2 0 0
            """;

    @Test
    void listeningOnAnyOrAHostAddressCountsLoopbackDoesNot() {
        assertEquals(List.of("0.0.0.0:22"), ListeningSockets.receiving(TCP, "tcp", 22, false));
        assertEquals(List.of("10.213.0.1:80"), ListeningSockets.receiving(TCP, "tcp", 80, false),
                "127.0.0.1:80 is left alone by the service; the established connection is no listener");
        assertEquals(List.of("[::]:22"), ListeningSockets.receiving(TCP6, "tcp", 22, true));
        assertEquals(List.of(), ListeningSockets.receiving(TCP6, "tcp", 8080, true), "[::1]:8080 is loopback");
    }

    @Test
    void udpCountsBoundSockets() {
        assertEquals(List.of("0.0.0.0:53"), ListeningSockets.receiving(UDP, "udp", 53, false));
        assertEquals(List.of(), ListeningSockets.receiving(UDP, "udp", 5353, false));
        assertEquals(List.of(), ListeningSockets.receiving(TCP, "udp", 22, false), "a TCP listener is no UDP socket");
    }
}
