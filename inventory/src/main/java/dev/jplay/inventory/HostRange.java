package dev.jplay.inventory;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands host names that describe several hosts, as Ansible inventories do:
 * <ul>
 *   <li>{@code web[01:20].example.com}: numeric range, zero padding kept when the begin has a leading zero;
 *   <li>{@code node[00:20:2]}: a stride;
 *   <li>{@code db-[a:f]}: letters ({@code a..z} then {@code A..Z});
 *   <li>{@code rack[1:2]-node[1:3]}: several ranges, expanded left to right;
 *   <li>{@code 10.1.0.0/28} (a jplay extension): the usable hosts of an IPv4 block (no network or broadcast
 *       address, except for /31 and /32), or of a small IPv6 block (no subnet-router anycast address, except
 *       for /127 and /128), like Python's {@code ipaddress.ip_network(...).hosts()}.
 * </ul>
 */
public final class HostRange {
    /** A guard against typos such as {@code [0:99999999]}: beyond this an inventory is surely wrong. */
    static final int MAX_HOSTS = 1_000_000;

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Pattern IPV4_CIDR = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})/(\\d{1,2})");
    private static final Pattern IPV6_CIDR = Pattern.compile("([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)/(\\d{1,3})");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private HostRange() {}

    /** True if {@code name} would expand to something else than itself. */
    public static boolean isRange(String name) {
        return name.indexOf('[') >= 0 || isCidr(name);
    }

    static boolean isCidr(String name) {
        return IPV4_CIDR.matcher(name).matches() || IPV6_CIDR.matcher(name).matches();
    }

    /** The host names {@code pattern} stands for, in order; throws {@link IllegalArgumentException} if malformed. */
    public static List<String> expand(String pattern) {
        Matcher v4 = IPV4_CIDR.matcher(pattern);
        if (v4.matches()) return expandIpv4(pattern, v4.group(1), Integer.parseInt(v4.group(2)));
        Matcher v6 = IPV6_CIDR.matcher(pattern);
        if (v6.matches()) return expandIpv6(pattern, v6.group(1), Integer.parseInt(v6.group(2)));
        List<String> out = new ArrayList<>();
        expandBrackets(pattern, pattern, out);
        return out;
    }

    private static void expandBrackets(String whole, String name, List<String> out) {
        int open = name.indexOf('[');
        if (open < 0) {
            if (name.indexOf(']') >= 0) throw bad(whole, "']' without '['");
            add(whole, out, name);
            return;
        }
        int close = name.indexOf(']', open);
        if (close < 0) throw bad(whole, "'[' without closing ']'");
        String head = name.substring(0, open);
        String tail = name.substring(close + 1);
        String[] bounds = name.substring(open + 1, close).split(":", -1);
        if (bounds.length != 2 && bounds.length != 3) throw bad(whole, "range must be [begin:end] or [begin:end:step]");
        String begin = bounds[0].isEmpty() ? "0" : bounds[0];
        String end = bounds[1];
        if (end.isEmpty()) throw bad(whole, "range must specify an end value");
        int step = 1;
        if (bounds.length == 3) {
            if (!DIGITS.matcher(bounds[2]).matches() || (step = parseInt(whole, bounds[2])) <= 0) {
                throw bad(whole, "step must be a positive integer, got '" + bounds[2] + "'");
            }
        }
        if (DIGITS.matcher(begin).matches() && DIGITS.matcher(end).matches()) {
            int width = 0;
            if (begin.length() > 1 && begin.charAt(0) == '0') {
                if (begin.length() != end.length()) {
                    throw bad(whole, "zero-padded range must have begin and end of equal length: " + begin + ":" + end);
                }
                width = begin.length();
            }
            long from = parseInt(whole, begin);
            long to = parseInt(whole, end);
            if (from > to) throw bad(whole, "range begin " + begin + " is greater than end " + end);
            if ((to - from) / step + 1 > MAX_HOSTS) throw bad(whole, "range is larger than " + MAX_HOSTS + " hosts");
            for (long i = from; i <= to; i += step) {
                String number = Long.toString(i);
                if (number.length() < width) number = "0".repeat(width - number.length()) + number;
                expandBrackets(whole, head + number + tail, out);
            }
        } else if (begin.length() == 1 && end.length() == 1
                && LETTERS.indexOf(begin.charAt(0)) >= 0 && LETTERS.indexOf(end.charAt(0)) >= 0) {
            int from = LETTERS.indexOf(begin.charAt(0));
            int to = LETTERS.indexOf(end.charAt(0));
            if (from > to) throw bad(whole, "range begin " + begin + " comes after end " + end);
            for (int i = from; i <= to; i += step) expandBrackets(whole, head + LETTERS.charAt(i) + tail, out);
        } else {
            throw bad(whole, "range bounds must be both numbers or both single letters, got '" + begin + ":" + end + "'");
        }
    }

    private static List<String> expandIpv4(String whole, String address, int prefix) {
        if (prefix > 32) throw bad(whole, "IPv4 prefix length must be 0..32");
        long ip = 0;
        for (String part : address.split("\\.")) {
            int octet = Integer.parseInt(part);
            if (octet > 255) throw bad(whole, "not an IPv4 address: " + address);
            ip = (ip << 8) | octet;
        }
        long size = 1L << (32 - prefix);
        if (size > 65536) throw bad(whole, "block is too large (more than 65536 addresses)");
        if ((ip & (size - 1)) != 0) throw bad(whole, "has host bits set (network address expected)");
        long first = size > 2 ? ip + 1 : ip;
        long last = size > 2 ? ip + size - 2 : ip + size - 1;
        List<String> out = new ArrayList<>((int) (last - first + 1));
        for (long a = first; a <= last; a++) {
            out.add((a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255));
        }
        return out;
    }

    private static List<String> expandIpv6(String whole, String address, int prefix) {
        if (prefix > 128) throw bad(whole, "IPv6 prefix length must be 0..128");
        if (prefix < 112) throw bad(whole, "block is too large (more than 65536 addresses)");
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no name lookup happens
        } catch (UnknownHostException | SecurityException e) {
            throw bad(whole, "not an IPv6 address: " + address);
        }
        if (bytes.length != 16) throw bad(whole, "not an IPv6 address: " + address);
        BigInteger ip = new BigInteger(1, bytes);
        int size = 1 << (128 - prefix);
        if (ip.mod(BigInteger.valueOf(size)).signum() != 0) throw bad(whole, "has host bits set (network address expected)");
        int first = size > 2 ? 1 : 0;
        List<String> out = new ArrayList<>(size);
        for (int i = first; i < size; i++) out.add(formatIpv6(ip.add(BigInteger.valueOf(i))));
        return out;
    }

    /** RFC 5952 text form: lower case, longest run of zero groups (two or more) as "::". */
    static String formatIpv6(BigInteger value) {
        int[] groups = new int[8];
        for (int i = 7; i >= 0; i--) {
            groups[i] = value.intValue() & 0xffff;
            value = value.shiftRight(16);
        }
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static int parseInt(String whole, String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw bad(whole, "number out of range: " + digits);
        }
    }

    private static void add(String whole, List<String> out, String name) {
        if (out.size() >= MAX_HOSTS) throw bad(whole, "range is larger than " + MAX_HOSTS + " hosts");
        out.add(name);
    }

    private static IllegalArgumentException bad(String pattern, String why) {
        return new IllegalArgumentException("invalid host range '" + pattern + "': " + why);
    }
}
