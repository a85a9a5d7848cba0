package dev.jplay.engine.template;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The basics of {@code ansible.utils.ipaddr} (netaddr's IPNetwork) for IP pools: a value {@code 10.0.0.5/24}
 * (or a bare address) and a query {@code address}, {@code network}, {@code prefix}, {@code netmask},
 * {@code broadcast}, {@code host}, {@code net}, {@code cidr}/{@code subnet}, {@code size}, or an integer N (the
 * N-th address of the network, {@code 10.0.0.0/24 | ipaddr(5)} = {@code 10.0.0.5/24}). An invalid value or a
 * query that does not apply gives false, as in Ansible; a list keeps the items that give something. Only IP
 * literals are parsed: nothing here resolves a name.
 */
final class IpFilters {
    private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private IpFilters() {}

    private record Net(BigInteger ip, int prefix, int bits) {
        BigInteger size() {
            return BigInteger.ONE.shiftLeft(bits - prefix);
        }

        BigInteger network() {
            return ip.shiftRight(bits - prefix).shiftLeft(bits - prefix);
        }

        BigInteger mask() {
            return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).xor(size().subtract(BigInteger.ONE));
        }
    }

    static Object ipaddr(String filter, Object value, Object query) {
        int version = filter.equals("ipv4") ? 4 : filter.equals("ipv6") ? 6 : 0;
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                Object r = one(version, o, query);
                if (!Boolean.FALSE.equals(r) && r != null) out.add(r);
            }
            return out;
        }
        return one(version, value, query);
    }

    private static Object one(int version, Object value, Object query) {
        Net n = parse(value);
        if (n == null || version != 0 && (n.bits == 32 ? 4 : 6) != version) return false;
        String q = query == null ? "" : Filters.str(query);
        if (query instanceof Number || q.matches("-?\\d+")) {
            BigInteger index = BigInteger.valueOf(Filters.toLong(query));
            if (index.signum() < 0) index = index.add(n.size());
            if (index.signum() < 0 || index.compareTo(n.size()) >= 0) return false;
            return text(n.network().add(index), n.bits) + "/" + n.prefix;
        }
        boolean isNetworkAddress = n.ip.equals(n.network());
        return switch (q) {
            case "", "ip", "address" -> q.isEmpty() ? Filters.str(value).strip()
                    : q.equals("ip") || n.size().equals(BigInteger.ONE) || !isNetworkAddress ? text(n.ip, n.bits) : null;
            case "network" -> text(n.network(), n.bits);
            case "prefix" -> n.prefix;
            case "netmask" -> text(n.mask(), n.bits);
            case "hostmask" -> text(n.size().subtract(BigInteger.ONE), n.bits);
            case "broadcast" -> n.size().compareTo(BigInteger.TWO) > 0
                    ? text(n.network().add(n.size()).subtract(BigInteger.ONE), n.bits) : null;
            case "host" -> n.size().equals(BigInteger.ONE) || !isNetworkAddress ? text(n.ip, n.bits) + "/" + n.prefix : null;
            case "net" -> n.size().compareTo(BigInteger.ONE) > 0 && isNetworkAddress
                    ? text(n.network(), n.bits) + "/" + n.prefix : null;
            case "cidr", "subnet" -> text(n.network(), n.bits) + "/" + n.prefix;
            case "size" -> n.size().bitLength() < 63 ? (Object) n.size().longValue() : n.size();
            case "version" -> n.bits == 32 ? 4 : 6;
            case "ipv4" -> n.bits == 32 ? Filters.str(value).strip() : null;
            case "ipv6" -> n.bits == 128 ? Filters.str(value).strip() : null;
            default -> throw new IllegalArgumentException("filter 'ipaddr': unsupported query '" + q + "' (supported: "
                    + "address, network, prefix, netmask, hostmask, broadcast, host, net, cidr, subnet, size, "
                    + "version, ipv4, ipv6, an integer)");
        };
    }

    private static Net parse(Object value) {
        if (!(value instanceof String s)) return null;
        String text = s.strip();
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        int bits;
        if (V4.matcher(addr).matches()) bits = 32;
        else if (V6.matcher(addr).matches()) bits = 128;
        else return null;
        byte[] raw;
        try {
            raw = InetAddress.getByName(addr).getAddress(); // a literal: never a name lookup
        } catch (UnknownHostException e) {
            return null;
        }
        if (raw.length * 8 != bits) return null;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.matches("\\d{1,3}")) {
                prefix = Integer.parseInt(p);
            } else if (bits == 32 && V4.matcher(p).matches()) {
                prefix = maskBits(p);
            } else {
                return null;
            }
            if (prefix < 0 || prefix > bits) return null;
        }
        return new Net(new BigInteger(1, raw), prefix, bits);
    }

    private static int maskBits(String mask) {
        try {
            BigInteger m = new BigInteger(1, InetAddress.getByName(mask).getAddress());
            int ones = m.bitCount();
            return m.equals(BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE.shiftLeft(32 - ones))) ? ones : -1;
        } catch (UnknownHostException e) {
            return -1;
        }
    }

    private static String text(BigInteger address, int bits) {
        byte[] out = new byte[bits / 8];
        byte[] raw = address.toByteArray();
        for (int i = 0; i < Math.min(raw.length, out.length); i++) out[out.length - 1 - i] = raw[raw.length - 1 - i];
        try {
            String s = InetAddress.getByAddress(out).getHostAddress();
            return bits == 32 ? s : compress(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Java writes 2001:db8:0:0:0:0:0:1; Python writes 2001:db8::1. */
    private static String compress(String full) {
        String[] parts = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) j++;
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) return full;
        String left = String.join(":", java.util.Arrays.copyOfRange(parts, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
        return left + "::" + right;
    }
}
