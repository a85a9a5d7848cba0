package dev.jplay.engine.ippool;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address as an unsigned number of {@code bits} (32 or 128) bits, so that ranges, offsets and
 * blocks are plain arithmetic.
 */
public record IpAddress(BigInteger value, int bits) implements Comparable<IpAddress> {
    // Only guards: they keep InetAddress.getByName from ever resolving a name through DNS.
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern V6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public IpAddress {
        if (bits != 32 && bits != 128) throw new IllegalArgumentException("bits must be 32 or 128: " + bits);
        if (value.signum() < 0 || value.bitLength() > bits) {
            throw new IllegalArgumentException(value + " is not a " + bits + "-bit address");
        }
    }

    /** Parses an IPv4 dotted quad or an IPv6 literal (no zone id, no IPv4-mapped form). Never looks up a name. */
    public static IpAddress parse(String text) {
        String t = text.trim();
        boolean v4 = DOTTED_QUAD.matcher(t).matches();
        if (!v4 && !V6_LITERAL.matcher(t).matches()) throw new IpPoolException("'" + text + "' is not an IPv4 or IPv6 address");
        InetAddress address;
        try {
            address = InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw new IpPoolException("'" + text + "' is not an IPv4 or IPv6 address");
        }
        if (!v4 && address instanceof Inet4Address) {
            throw new IpPoolException("'" + text + "' is an IPv4-mapped IPv6 address: write the IPv4 address " + address.getHostAddress());
        }
        return of(address);
    }

    public static IpAddress of(InetAddress address) {
        return new IpAddress(new BigInteger(1, address.getAddress()), address instanceof Inet6Address ? 128 : 32);
    }

    public boolean isV6() {
        return bits == 128;
    }

    public IpAddress plus(BigInteger offset) {
        return new IpAddress(value.add(offset), bits);
    }

    public IpAddress plus(long offset) {
        return plus(BigInteger.valueOf(offset));
    }

    public InetAddress toInetAddress() {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[bits / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Integer.compare(bits, o.bits);
        return c != 0 ? c : value.compareTo(o.value);
    }

    /** Dotted quad, or the RFC 5952 canonical IPv6 text (lower case, longest run of zero groups as {@code ::}). */
    @Override
    public String toString() {
        if (!isV6()) return toInetAddress().getHostAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = value.shiftRight(16 * (7 - i)).intValue() & 0xffff;
        int bestStart = -1;
        int bestLength = 1; // a single zero group is never shortened
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
