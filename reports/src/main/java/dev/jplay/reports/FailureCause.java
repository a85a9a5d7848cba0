package dev.jplay.reports;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the facts a failure's cause carries. Connection failures say
 * {@code "web-1 (10.0.0.5:2222): connect failed [CONNECT_REFUSED]: cannot connect to ..."}; the prefix repeats
 * host, step and code, and the address makes causes of different hosts differ, so both are factored out.
 */
public final class FailureCause {
    /** host (address[:port]): step failed [CODE]: message */
    private static final Pattern CONNECTION_PREFIX = Pattern.compile("^(.*?) \\(([^()]*)\\): \\w+ failed \\[[A-Z0-9_]+\\]: (.*)$", Pattern.DOTALL);
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b");
    private static final Pattern PORT_AFTER_ADDRESS = Pattern.compile("<addr>:\\d+");

    /** Where the controller tried to reach the host; {@code user} is null when the failure does not say. */
    public record Endpoint(String address, int port, String user) {
        public String ssh() {
            return "ssh -p " + port + " " + (user == null ? "USER" : user) + "@" + address;
        }
    }

    private FailureCause() {}

    /** The cause without the connection prefix. */
    public static String message(FailureInfo f) {
        String cause = f.cause() == null ? "" : f.cause();
        Matcher m = CONNECTION_PREFIX.matcher(cause);
        return m.matches() ? m.group(3) : cause;
    }

    /** The cause with host names and addresses replaced, so that the same problem on many hosts reads the same. */
    public static String normalized(FailureInfo f) {
        String text = message(f);
        Endpoint e = endpoint(f);
        if (e != null && !e.address().isEmpty()) text = text.replace(e.address(), "<addr>");
        if (f.host() != null && !f.host().isEmpty()) text = text.replace(f.host(), "<host>");
        text = IPV4.matcher(text).replaceAll("<addr>");
        return PORT_AFTER_ADDRESS.matcher(text).replaceAll("<addr>:<port>");
    }

    /** The SSH endpoint from {@code detail} (address, port, user) or from the cause's prefix; null for local hosts or none. */
    public static Endpoint endpoint(FailureInfo f) {
        Map<String, Object> d = f.detail() == null ? Map.of() : f.detail();
        String user = d.get("user") instanceof String u ? u : null;
        if (d.get("address") instanceof String a) {
            int port = d.get("port") instanceof Number n ? n.intValue() : 22;
            return new Endpoint(a, port, user);
        }
        Matcher m = CONNECTION_PREFIX.matcher(f.cause() == null ? "" : f.cause());
        if (!m.matches() || m.group(2).equals("local")) return null;
        String where = m.group(2);
        int colon = where.lastIndexOf(':');
        if (colon > 0 && where.indexOf(':') == colon && where.substring(colon + 1).matches("\\d+")) {
            return new Endpoint(where.substring(0, colon), Integer.parseInt(where.substring(colon + 1)), user);
        }
        return new Endpoint(where, 22, user);
    }
}
