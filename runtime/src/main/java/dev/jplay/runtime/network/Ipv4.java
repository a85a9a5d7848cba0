package dev.jplay.runtime.network;

import java.util.regex.Pattern;

/** Dotted-quad IPv4 literals as ints; never resolves names (InetAddress would, for anything not a literal). */
final class Ipv4 {
    private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Ipv4() {}

    static boolean isLiteral(String text) {
        if (text == null) return false;
        var m = DOTTED_QUAD.matcher(text);
        if (!m.matches()) return false;
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) return false;
        }
        return true;
    }

    /** Caller checked {@link #isLiteral}. */
    static int toInt(String literal) {
        String[] parts = literal.split("\\.");
        int value = 0;
        for (String part : parts) value = (value << 8) | Integer.parseInt(part);
        return value;
    }

    static int mask(int prefixLen) {
        return prefixLen == 0 ? 0 : -1 << (32 - prefixLen);
    }

    static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }
}
