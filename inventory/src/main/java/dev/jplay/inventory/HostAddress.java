package dev.jplay.inventory;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits an inventory host entry into name and optional port, the way Ansible's {@code parse_address} does:
 * {@code host:22}, {@code 10.0.0.[1:5]:2222}, {@code [fe80::1]:22}. An IPv6 address takes a port only in
 * square brackets.
 */
record HostAddress(String host, Integer port) {
    private static final String NUMERIC_RANGE = "\\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\\]";
    private static final String HEX_RANGE = "\\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\\]";
    private static final String ALNUM_RANGE = "\\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\\]";
    private static final String V6 = "(?:[0-9a-f]{1,4}|" + HEX_RANGE + ")";
    private static final String V4 = "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|" + NUMERIC_RANGE + ")";
    private static final String LABEL = "(?:[\\w]|" + ALNUM_RANGE + ")(?:[\\w_-]|" + ALNUM_RANGE + ")*(?<![_-])";

    private static final Pattern BRACKETED_HOSTPORT = Pattern.compile("^\\[(.+)\\]:([0-9]+)$");
    private static final Pattern HOSTPORT = Pattern.compile("^((?:[^:\\[\\]]|\\[[^\\]]*\\])*):([0-9]+)$");
    private static final Pattern IPV4 = Pattern.compile("^(?:" + V4 + "\\.){3}" + V4 + "$", Pattern.CASE_INSENSITIVE);
    // Copied from Ansible including its quirk: only the first and last alternatives are anchored, and
    // Python's re.match only anchors the start (hence lookingAt below).
    private static final Pattern IPV6 = Pattern.compile(
            "^(?:" + V6 + ":){7}" + V6 + "|"
                    + "(?:" + V6 + ":){1,6}:|"
                    + "(?:" + V6 + ":)(?::" + V6 + "){1,6}|"
                    + "(?:" + V6 + ":){2}(?::" + V6 + "){1,5}|"
                    + "(?:" + V6 + ":){3}(?::" + V6 + "){1,4}|"
                    + "(?:" + V6 + ":){4}(?::" + V6 + "){1,3}|"
                    + "(?:" + V6 + ":){5}(?::" + V6 + "){1,2}|"
                    + "(?:" + V6 + ":){6}(?::" + V6 + ")|"
                    + ":(?::" + V6 + "){1,6}|"
                    + V6 + "?::|"
                    + "(?:0:){6}(?:" + V6 + "\\.){3}" + V6 + "|"
                    + "::(?:ffff:)?(?:" + V6 + "\\.){3}" + V6 + "|"
                    + "(?:0:){5}ffff:(?:" + V6 + "\\.){3}" + V6 + "$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HOSTNAME = Pattern.compile("^" + LABEL + "(?:\\." + LABEL + ")*$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);

    static final String[] LOCALHOST = {"127.0.0.1", "localhost", "::1"};

    /** Parses {@code address}; throws {@link IllegalArgumentException} if it is no host name or IP address. */
    static HostAddress parse(String address, boolean allowRanges) {
        Integer port = null;
        for (Pattern p : new Pattern[] {BRACKETED_HOSTPORT, HOSTPORT}) {
            Matcher m = p.matcher(address);
            if (m.matches()) {
                address = m.group(1);
                try {
                    port = Integer.valueOf(m.group(2));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("port out of range in " + address);
                }
            }
        }
        boolean valid = IPV4.matcher(address).matches() || IPV6.matcher(address).lookingAt()
                || HOSTNAME.matcher(address).matches();
        if (!valid) throw new IllegalArgumentException("Not a valid network hostname: " + address);
        if (!allowRanges && address.indexOf('[') >= 0) {
            throw new IllegalArgumentException("Detected range in host but was asked to ignore ranges");
        }
        return new HostAddress(address, port);
    }

    /** Like {@link #parse} but keeps an unparsable entry whole, without port, as Ansible's inventory plugins do. */
    static HostAddress parseLenient(String address, boolean allowRanges) {
        try {
            return parse(address, allowRanges);
        } catch (IllegalArgumentException e) {
            return new HostAddress(address, null);
        }
    }

    static boolean isLocalhost(String name) {
        for (String l : LOCALHOST) if (l.equals(name)) return true;
        return false;
    }
}
