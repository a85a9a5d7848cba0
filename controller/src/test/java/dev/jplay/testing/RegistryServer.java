package dev.jplay.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code docker-registry} (distribution 2.8) over plain http on a free port, with its own config and
 * storage in {@code dir}. Started the way branch {@code pull}'s runtime tests start theirs (their
 * {@code RegistryServer} is package-private in runtime's tests); this one can also bind another address, e.g. a
 * {@link TestFleet}'s bridge, which its hosts reach (127.0.0.1 in a host is that host's own loopback).
 */
public final class RegistryServer implements AutoCloseable {
    private final Process process;
    private final String address;
    private final int port;
    private final Path log;

    private RegistryServer(Process process, String address, int port, Path log) {
        this.process = process;
        this.address = address;
        this.port = port;
        this.log = log;
    }

    /** On 127.0.0.1. */
    public static RegistryServer start(Path dir) throws Exception {
        return start(dir, "127.0.0.1");
    }

    /** On {@code address} (an address of this machine: loopback, or a test bridge). */
    public static RegistryServer start(Path dir, String address) throws Exception {
        return start(dir, address, "warn");
    }

    /**
     * With {@code logLevel} {@code info}, {@link #log()} has a line per request with {@code http.request.uri} and
     * {@code http.response.written} (the bytes the registry served).
     */
    public static RegistryServer start(Path dir, String address, String logLevel) throws Exception {
        Files.createDirectories(dir);
        int port = freePort(address);
        Path config = dir.resolve("config.yml");
        Files.write(config, List.of(
                "version: 0.1",
                "log:",
                "  level: " + logLevel,
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + dir.resolve("storage"),
                "  delete:",
                "    enabled: true",
                "http:",
                "  addr: " + address + ":" + port,
                "  secret: jplay-test-secret"));
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // If the test JVM is killed (surefire timeout, Ctrl-C), don't leave the registry running.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        RegistryServer server = new RegistryServer(process, address, port, log);
        try {
            server.awaitReady();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** {@code address:port}, as written in image references. */
    public String hostPort() {
        return address + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public static int freePort(String address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!process.isAlive()) throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("docker-registry not ready: " + Files.readString(log));
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
