package dev.jplay.runtime.registry;

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
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/** A real Debian {@code docker-registry} (distribution 2.8) on a free loopback port, with its own storage dir. */
final class RegistryServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final boolean tls;
    final Path dir;
    final Path log;

    private RegistryServer(Process process, int port, boolean tls, Path dir, Path log) {
        this.process = process;
        this.port = port;
        this.tls = tls;
        this.dir = dir;
        this.log = log;
    }

    static Builder builder(Path dir) {
        return new Builder(dir);
    }

    String hostPort() {
        return "127.0.0.1:" + port;
    }

    URI base() {
        return URI.create((tls ? "https" : "http") + "://" + hostPort());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    static final class Builder {
        private final Path dir;
        private Path certificate;
        private Path key;
        private Path htpasswd;
        private List<String> tokenAuth;

        Builder(Path dir) {
            this.dir = dir;
        }

        Builder tls(Path certificate, Path key) {
            this.certificate = certificate;
            this.key = key;
            return this;
        }

        Builder htpasswd(Path file) {
            this.htpasswd = file;
            return this;
        }

        /** {@code auth: token} with this realm URL, service, issuer and root cert bundle. */
        Builder token(String realm, String service, String issuer, Path rootCertBundle) {
            this.tokenAuth = List.of(realm, service, issuer, rootCertBundle.toString());
            return this;
        }

        RegistryServer start() throws Exception {
            Files.createDirectories(dir);
            int port = freePort();
            List<String> yaml = new ArrayList<>(List.of(
                    "version: 0.1",
                    "log:",
                    "  level: info",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + dir.resolve("storage"),
                    "  delete:",
                    "    enabled: true",
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    "  secret: jplay-test-secret"));
            if (certificate != null) {
                yaml.addAll(List.of("  tls:", "    certificate: " + certificate, "    key: " + key));
            }
            if (htpasswd != null) {
                yaml.addAll(List.of("auth:", "  htpasswd:", "    realm: jplay-test", "    path: " + htpasswd));
            }
            if (tokenAuth != null) {
                yaml.addAll(List.of("auth:", "  token:", "    realm: " + tokenAuth.get(0), "    service: " + tokenAuth.get(1),
                        "    issuer: " + tokenAuth.get(2), "    rootcertbundle: " + tokenAuth.get(3)));
            }
            Path config = dir.resolve("config.yml");
            Files.write(config, yaml);
            Path log = dir.resolve("registry.log");
            Process process = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            RegistryServer server = new RegistryServer(process, port, certificate != null, dir, log);
            // If the test JVM is killed (surefire timeout, Ctrl-C), don't leave the registry running.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            try {
                server.awaitReady(certificate);
            } catch (Exception e) {
                server.close();
                throw e;
            }
            return server;
        }
    }

    private void awaitReady(Path caCertificate) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (caCertificate != null) builder.sslContext(trusting(caCertificate));
        HttpClient http = builder.build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!process.isAlive()) throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base().resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200 || response.statusCode() == 401) return;
            } catch (IOException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("docker-registry not ready: " + Files.readString(log));
            Thread.sleep(50);
        }
    }

    static SSLContext trusting(Path pem) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
