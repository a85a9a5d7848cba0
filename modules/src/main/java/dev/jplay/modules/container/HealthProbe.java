package dev.jplay.modules.container;

import dev.jplay.runtime.launch.ContainerExec;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Runs one check of a {@link HealthCheck} from the agent (HTTP, TCP) or inside the container (cmd). */
final class HealthProbe {
    private static final int MAX_OUTPUT_CHARS = 1000;
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final HealthCheck check;
    private final String address;
    private final ContainerExec exec;
    private final String container;

    /**
     * @param address where the container answers (e.g. 127.0.0.1 for network_mode host); null when the check
     *                names its own target
     */
    HealthProbe(HealthCheck check, String address, ContainerExec exec, String container) {
        this.check = check;
        this.address = address;
        this.exec = exec;
        this.container = container;
    }

    /**
     * One check's outcome.
     *
     * @param code null when healthy, else HTTP_STATUS, CONNECTION_REFUSED, CHECK_TIMEOUT, CONNECTION_FAILED or CMD_EXIT
     * @param output what the check saw (response body, command output, error), cut to a few hundred characters
     */
    record Attempt(String code, String output, Integer httpStatus, Integer exitCode) {
        boolean healthy() { return code == null; }
    }

    Attempt run() {
        if (check.probe() instanceof HealthCheck.Http h) return http(h);
        if (check.probe() instanceof HealthCheck.Tcp t) return tcp(t);
        return cmd((HealthCheck.Cmd) check.probe());
    }

    /**
     * One GET, no proxy, no redirects followed, over {@link HttpURLConnection}: the JDK's HttpClient would cost
     * a fresh agent ~170 ms of CPU to load. The timeout bounds the connect and every read.
     */
    private Attempt http(HealthCheck.Http h) {
        int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, check.timeout().toMillis()));
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) HealthCheck.target(h, address).toURL().openConnection(Proxy.NO_PROXY);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(timeout);
            connection.setReadTimeout(timeout);
            connection.setRequestProperty("User-Agent", "jplay-healthcheck");
            int status = connection.getResponseCode();
            String body;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                body = in == null ? "" : new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
            }
            String output = "HTTP " + status + " " + cut(body);
            return new Attempt(h.accepts(status) ? null : "HTTP_STATUS", output, status, null);
        } catch (SocketTimeoutException e) {
            return new Attempt("CHECK_TIMEOUT", "no answer within " + millis(check.timeout()) + " ms", null, null);
        } catch (ConnectException e) {
            return new Attempt("CONNECTION_REFUSED", "connection refused", null, null);
        } catch (IOException | IllegalArgumentException e) {
            return new Attempt("CONNECTION_FAILED", e.getClass().getSimpleName() + ": " + e.getMessage(), null, null);
        } finally {
            if (connection != null) connection.disconnect(); // a probe is one request: don't keep the socket
        }
    }

    private Attempt tcp(HealthCheck.Tcp t) {
        String host = t.host() != null ? t.host() : address;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, t.port()), (int) Math.max(1, check.timeout().toMillis()));
            return new Attempt(null, "connected", null, null);
        } catch (SocketTimeoutException e) {
            return new Attempt("CHECK_TIMEOUT", "no connection within " + millis(check.timeout()) + " ms", null, null);
        } catch (ConnectException e) {
            return new Attempt("CONNECTION_REFUSED", "connection refused", null, null);
        } catch (IOException e) {
            return new Attempt("CONNECTION_FAILED", e.getClass().getSimpleName() + ": " + e.getMessage(), null, null);
        }
    }

    private Attempt cmd(HealthCheck.Cmd c) {
        ContainerExec.Result result = exec.run(container, c.argv(), check.timeout());
        if (result.timedOut()) {
            return new Attempt("CHECK_TIMEOUT", "still running after " + millis(check.timeout()) + " ms: " + cut(result.output()), null, null);
        }
        return new Attempt(result.exitCode() == 0 ? null : "CMD_EXIT", "exit " + result.exitCode() + ": " + cut(result.output()),
                null, result.exitCode());
    }

    private static String cut(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() <= MAX_OUTPUT_CHARS ? t : t.substring(0, MAX_OUTPUT_CHARS) + "...";
    }

    private static long millis(Duration d) {
        return d.toMillis();
    }
}
