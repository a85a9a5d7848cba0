package dev.jplay.runtime.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sockets of this network namespace that receive a port on a non-loopback address, read from
 * {@code /proc/net/{tcp,tcp6,udp,udp6}}: a fleet service on that port would take their connections (its DNAT runs
 * before they see them), e.g. sshd's on 22. Loopback-only sockets do not count: the service leaves 127.0.0.0/8 alone.
 */
public final class ListeningSockets {
    private static final String TCP_LISTEN = "0A";
    private static final String UDP_UNCONNECTED = "07";

    private final Path procNet;

    public ListeningSockets(Path procNet) {
        this.procNet = procNet;
    }

    /** This process's namespace. */
    public static ListeningSockets current() {
        return new ListeningSockets(Path.of("/proc/net"));
    }

    /** The local addresses ({@code 0.0.0.0:80}, {@code [::]:80}) of sockets receiving {@code protocol}/{@code port}. */
    public List<String> receiving(String protocol, int port) {
        List<String> out = new ArrayList<>();
        out.addAll(receiving(read(protocol), protocol, port, false));
        out.addAll(receiving(read(protocol + "6"), protocol, port, true));
        return out;
    }

    /** Parses one {@code /proc/net/PROTO[6]} table. */
    static List<String> receiving(String table, String protocol, int port, boolean v6) {
        String state = protocol.equals("tcp") ? TCP_LISTEN : UDP_UNCONNECTED;
        List<String> out = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":") || !f[3].equals(state)) continue;
            int colon = f[1].indexOf(':');
            if (colon < 0) continue;
            String address = f[1].substring(0, colon);
            int localPort;
            try {
                localPort = Integer.parseInt(f[1].substring(colon + 1), 16);
            } catch (NumberFormatException e) {
                continue;
            }
            if (localPort != port || loopback(address, v6)) continue;
            out.add(v6 ? "[" + (address.matches("0+") ? "::" : address) + "]:" + port : ipv4(address) + ":" + port);
        }
        return out;
    }

    /** The kernel prints addresses as 32-bit words in host (little-endian) order: 127.0.0.1 is 0100007F. */
    private static boolean loopback(String hex, boolean v6) {
        if (!v6) return hex.length() == 8 && hex.substring(6).equalsIgnoreCase("7F");
        if (hex.equals("00000000000000000000000001000000")) return true; // ::1
        return hex.length() == 32 && hex.startsWith("0000000000000000FFFF0000") && hex.substring(30).equalsIgnoreCase("7F");
    }

    private static String ipv4(String hex) {
        long v = Long.parseLong(hex, 16);
        return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }

    private String read(String file) {
        try {
            return Files.readString(procNet.resolve(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return ""; // no IPv6 in this kernel
        } catch (IOException e) {
            throw new NetworkException(NetworkException.STATE_FAILED, "cannot read " + procNet.resolve(file)
                    + " to see whether the port is taken: " + e.getMessage(), e);
        }
    }
}
