package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.command.CommandLine;
import dev.jplay.protocol.Step;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code healthcheck:} argument of {@code container}, with Docker's names where they overlap: exactly one probe
 * ({@code http}, {@code tcp} or {@code cmd}) plus {@code interval}, {@code timeout}, {@code retries},
 * {@code start_period} and {@code min_healthy} (seconds the probe must keep passing after a start).
 *
 * <p>Durations are seconds (a number, fractions allowed) or text such as {@code 500ms}, {@code 2s}, {@code 1m}.
 *
 * @param raw the argument as given: kept on the host so a rollback can check the revision it restores
 */
record HealthCheck(Probe probe, Duration interval, Duration timeout, int retries, Duration startPeriod, Duration minHealthy,
        Map<String, Object> raw) {

    static final Set<String> ARGS = Set.of("http", "tcp", "cmd", "interval", "timeout", "retries", "start_period", "min_healthy");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    /** What one check does. */
    sealed interface Probe permits Http, Tcp, Cmd {}

    /**
     * An HTTP GET. {@code url} is used as given; without it, {@code http://<container address>:port/path}.
     *
     * @param expectStatus accepted statuses; empty means 200-399 (as {@code curl -f} plus redirects)
     */
    record Http(URI url, int port, String path, List<Integer> expectStatus) implements Probe {
        boolean accepts(int status) {
            return expectStatus.isEmpty() ? status >= 200 && status < 400 : expectStatus.contains(status);
        }
    }

    /** A TCP connect to {@code host:port}; a null host means the container's address. */
    record Tcp(String host, int port) implements Probe {}

    /** A command run inside the container ({@code runc exec}); exit status 0 is healthy. */
    record Cmd(List<String> argv) implements Probe {}

    /** Null when the argument is absent. */
    static HealthCheck parse(Map<String, Object> raw) throws ModuleException {
        if (raw == null || raw.isEmpty()) return null;
        ModuleArgs args = new ModuleArgs("container healthcheck", raw);
        args.rejectUnknown(ARGS);
        List<Probe> probes = new ArrayList<>();
        if (args.has("http")) probes.add(http(raw.get("http")));
        if (args.has("tcp")) probes.add(tcp(args.string("tcp")));
        if (args.has("cmd")) probes.add(cmd(raw.get("cmd")));
        if (probes.size() != 1) throw bad("give exactly one of http, tcp or cmd");
        int retries = (int) args.number("retries", 3);
        if (retries < 1) throw bad("retries must be at least 1, got " + retries);
        Duration interval = duration(raw, "interval", Duration.ofSeconds(1));
        Duration timeout = duration(raw, "timeout", Duration.ofSeconds(2));
        if (timeout.isZero()) throw bad("timeout must be positive");
        return new HealthCheck(probes.get(0), interval, timeout, retries, duration(raw, "start_period", Duration.ZERO),
                duration(raw, "min_healthy", Duration.ZERO), Map.copyOf(raw));
    }

    /** Whether the probe needs the container's address (no explicit URL or host). */
    boolean needsAddress() {
        return probe instanceof Http h && h.url() == null || probe instanceof Tcp t && t.host() == null;
    }

    /** The probe's target as shown in messages, e.g. {@code http://127.0.0.1:8080/health}. */
    String describe(String address) {
        if (probe instanceof Http h) return target(h, address).toString();
        if (probe instanceof Tcp t) return "tcp://" + (t.host() != null ? t.host() : address) + ":" + t.port();
        return "exec " + String.join(" ", ((Cmd) probe).argv());
    }

    static URI target(Http h, String address) {
        if (h.url() != null) return h.url();
        String host = address.contains(":") ? "[" + address + "]" : address; // IPv6 literal
        return URI.create("http://" + host + ":" + h.port() + h.path());
    }

    @SuppressWarnings("unchecked")
    private static Http http(Object value) throws ModuleException {
        if (value instanceof String url) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw bad("http is not a URL: " + e.getMessage());
            }
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) throw bad("http must be an http:// URL with a host, got '" + url + "'");
            return new Http(uri, uri.getPort(), uri.getRawPath(), List.of());
        }
        if (!(value instanceof Map<?, ?> m)) throw bad("http must be a URL or a mapping {port, path, expect_status}");
        ModuleArgs args = new ModuleArgs("container healthcheck.http", (Map<String, Object>) m);
        args.rejectUnknown(Set.of("port", "path", "expect_status"));
        int port = port(args.string("port"));
        String path = args.string("path", "/");
        if (!path.startsWith("/")) path = "/" + path;
        List<Integer> statuses = new ArrayList<>();
        for (String s : args.strings("expect_status")) {
            try {
                statuses.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw bad("expect_status must be HTTP status numbers, got '" + s + "'");
            }
        }
        return new Http(null, port, path, List.copyOf(statuses));
    }

    /** {@code 8080} (the container's address) or {@code host:8080}. */
    private static Tcp tcp(String value) throws ModuleException {
        int colon = value.lastIndexOf(':');
        if (colon < 0) return new Tcp(null, port(value));
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new Tcp(host, port(value.substring(colon + 1)));
    }

    private static Cmd cmd(Object value) throws ModuleException {
        List<String> argv = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(o -> argv.add(String.valueOf(o)));
        } else {
            try {
                argv.addAll(CommandLine.split(String.valueOf(value)));
            } catch (IllegalArgumentException e) {
                throw bad("cannot split cmd: " + e.getMessage());
            }
        }
        if (argv.isEmpty()) throw bad("cmd must not be empty");
        return new Cmd(List.copyOf(argv));
    }

    private static int port(String text) throws ModuleException {
        try {
            int port = Integer.parseInt(text.trim());
            if (port > 0 && port < 65536) return port;
        } catch (NumberFormatException e) {
            // below
        }
        throw bad("port must be 1-65535, got '" + text + "'");
    }

    static Duration duration(Map<String, Object> raw, String name, Duration dflt) throws ModuleException {
        Object v = raw.get(name);
        if (v == null) return dflt;
        Matcher m = DURATION.matcher(String.valueOf(v).trim());
        if (!(v instanceof Number || v instanceof String) || !m.matches()) {
            throw bad(name + " must be seconds or a duration like 500ms, 2s, 1m; got '" + v + "'");
        }
        double amount = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            default -> amount * 1000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    private static ModuleException bad(String message) {
        return new ModuleException(Step.ARGS, "ARG_VALUE", "container: healthcheck: " + message);
    }
}
