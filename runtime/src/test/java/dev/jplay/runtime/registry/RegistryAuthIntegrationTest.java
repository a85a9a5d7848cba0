package dev.jplay.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.store.ContentStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth over TLS (htpasswd + self-signed CA) and bearer tokens (registry {@code auth: token}) on real registries. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@Timeout(120)
class RegistryAuthIntegrationTest {
    @TempDir Path dir;

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    /** A self-signed certificate for 127.0.0.1 and its key (PKCS#8 PEM). */
    private void selfSigned(Path cert, Path key) throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    }

    @Test
    void basicAuthOverTlsWithCredentialsFromDockerConfig() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        selfSigned(cert, key);
        Path htpasswd = dir.resolve("htpasswd");
        run("htpasswd", "-Bbc", htpasswd.toString(), "alice", "s3cret");
        try (RegistryServer registry = RegistryServer.builder(dir.resolve("registry")).tls(cert, key).htpasswd(htpasswd).start()) {
            Credentials alice = new Credentials("alice", "s3cret");
            TestImage image = TestImage.oci("amd64", List.of(TestImage.randomLayer("data", 100_000, 3)));
            new RegistryPusher(registry.base(), RegistryServer.trusting(cert), alice::basicHeader).push("secure/app", "v1", image);

            Path config = dir.resolve("config.json");
            String auth = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
            Files.writeString(config, "{\"auths\":{\"https://" + registry.hostPort() + "/\":{\"auth\":\"" + auth + "\"}}}");
            ImageReference ref = ImageReference.parse(registry.hostPort() + "/secure/app:v1");
            ContentStore store = new ContentStore(dir.resolve("content"));

            RegistryClient client = RegistryClient.builder().caFile(cert).credentials(DockerConfigCredentials.load(config)).build();
            PullResult result = new ImagePuller(client, store, null).pull(ref, PullOptions.defaults());
            assertArrayEquals(image.layers.get(0).blob().bytes(), store.read(result.layers().get(0).digest()));

            RegistryClient wrongPassword = RegistryClient.builder().caFile(cert)
                    .credentials(CredentialProvider.of(Map.of(registry.hostPort(), new Credentials("alice", "nope")))).build();
            PullException denied = assertThrows(PullException.class,
                    () -> new ImagePuller(wrongPassword, new ContentStore(dir.resolve("c2")), null).pull(ref, PullOptions.defaults()));
            assertEquals(Step.AUTH, denied.step());
            assertEquals(PullException.UNAUTHORIZED, denied.code());
            assertEquals(401, denied.httpStatus());

            RegistryClient noCa = RegistryClient.builder().credentials(DockerConfigCredentials.load(config)).build();
            PullException untrusted = assertThrows(PullException.class,
                    () -> new ImagePuller(noCa, new ContentStore(dir.resolve("c3")), null).pull(ref, PullOptions.builder().maxAttempts(1).build()));
            assertEquals(Step.RESOLVE, untrusted.step());
            assertEquals(PullException.CONNECTION, untrusted.code());
            assertTrue(untrusted.getMessage().contains("SSLHandshakeException"), untrusted.getMessage());
        }
    }

    /** A token signer whose certificate {@link #tokenAuthRegistry} trusts. */
    private TokenSigner signer() throws Exception {
        Path key = dir.resolve("signing-key.pem");
        selfSigned(dir.resolve("signing.pem"), key);
        return new TokenSigner(dir.resolve("signing.pem"), key, "jplay-test-issuer", "jplay-registry");
    }

    /** A docker-registry with {@code auth: token}, trusting {@link #signer}'s tokens from {@code tokens}' realm. */
    private RegistryServer tokenAuthRegistry(TokenService tokens) throws Exception {
        return RegistryServer.builder(dir.resolve("registry"))
                .token(tokens.realm(), "jplay-registry", "jplay-test-issuer", dir.resolve("signing.pem")).start();
    }

    @Test
    void bearerTokensFromTheChallengeRealmAreCachedPerScope() throws Exception {
        TokenSigner signer = signer();
        try (TokenService tokenServer = TokenService.start(signer, 300); RegistryServer registry = tokenAuthRegistry(tokenServer)) {
            List<String> tokenRequests = tokenServer.requests();
            String tokenHost = tokenServer.hostPort();
            TestImage image = TestImage.oci("amd64", List.of(TestImage.textLayer("hello", "token")));
            String pushToken = "Bearer " + signer.sign("tokened/app", List.of("pull", "push"));
            new RegistryPusher(registry.base(), null, () -> pushToken).push("tokened/app", "v1", image);
            ImageReference ref = ImageReference.parse(registry.hostPort() + "/tokened/app:v1");

            RegistryClient client = RegistryClient.builder().insecure(registry.hostPort()).insecure(tokenHost)
                    .credentials(CredentialProvider.of(Map.of(registry.hostPort(), new Credentials("alice", "s3cret")))).build();
            ImagePuller puller = new ImagePuller(client, new ContentStore(dir.resolve("content")), null);
            PullResult first = puller.pull(ref, PullOptions.defaults());
            assertEquals(image.manifest.digest(), first.manifestDigest());
            assertEquals(1, tokenRequests.size(), "one token for the whole pull");
            assertTrue(tokenRequests.get(0).contains("service=jplay-registry") && tokenRequests.get(0).contains("scope=repository:tokened/app:pull"),
                    tokenRequests.get(0));
            puller.pull(ref, PullOptions.defaults());
            assertEquals(1, tokenRequests.size(), "token reused from the cache");

            RegistryClient anonymous = RegistryClient.builder().insecure(registry.hostPort()).insecure(tokenHost).build();
            PullException e = assertThrows(PullException.class,
                    () -> new ImagePuller(anonymous, new ContentStore(dir.resolve("c2")), null).pull(ref, PullOptions.defaults()));
            assertEquals(Step.AUTH, e.step());
            assertEquals(PullException.UNAUTHORIZED, e.code());

            RegistryClient realmNotTrusted = RegistryClient.builder().insecure(registry.hostPort()).build();
            PullException plainRealm = assertThrows(PullException.class,
                    () -> new ImagePuller(realmNotTrusted, new ContentStore(dir.resolve("c3")), null).pull(ref, PullOptions.defaults()));
            assertTrue(plainRealm.getMessage().contains("not https"), plainRealm.getMessage());
        }
    }

    /**
     * An agent's pulls share one authenticator: a token outlives the client and the pull that fetched it, until its
     * expires_in (less the early-renewal margin) has passed on the authenticator's clock; each repository's scope
     * has its own token, and other credentials never get it.
     */
    @Test
    void tokensOfASharedAuthenticatorServeLaterPullsUntilTheyExpireOnePerScope() throws Exception {
        TokenSigner signer = signer();
        try (TokenService tokenServer = TokenService.start(signer, 120); RegistryServer registry = tokenAuthRegistry(tokenServer)) {
            List<String> tokenRequests = tokenServer.requests();
            for (String repository : List.of("tokened/app", "tokened/other")) {
                String pushToken = "Bearer " + signer.sign(repository, List.of("pull", "push"));
                TestImage image = TestImage.oci("amd64", List.of(TestImage.textLayer("hello", repository)));
                new RegistryPusher(registry.base(), null, () -> pushToken).push(repository, "v1", image);
            }
            ImageReference app = ImageReference.parse(registry.hostPort() + "/tokened/app:v1");
            ImageReference other = ImageReference.parse(registry.hostPort() + "/tokened/other:v1");
            MovableClock clock = new MovableClock(Instant.now());
            RegistryAuthenticator shared = new RegistryAuthenticator(clock);
            CredentialProvider alice = CredentialProvider.of(Map.of(registry.hostPort(), new Credentials("alice", "s3cret")));
            ThrowingPull pull = (ref, credentials, store) -> new ImagePuller(RegistryClient.builder().insecure(registry.hostPort())
                    .insecure(tokenServer.hostPort()).credentials(credentials).authenticator(shared).build(),
                    new ContentStore(dir.resolve(store)), null).pull(ref, PullOptions.defaults());

            pull.run(app, alice, "c1");
            assertEquals(1, tokenRequests.size(), "one token for the first pull");
            pull.run(app, alice, "c2"); // another client and store, as a later task of the same agent has
            assertEquals(1, tokenRequests.size(), "the token outlived the client that fetched it: " + tokenRequests);

            pull.run(other, alice, "c3");
            assertEquals(2, tokenRequests.size(), "another repository, another scope, another token");
            assertTrue(tokenRequests.get(1).contains("scope=repository:tokened/other:pull"), tokenRequests.get(1));

            clock.advance(Duration.ofSeconds(100)); // expires_in 120, renewed 10 s early: still good
            pull.run(app, alice, "c4");
            assertEquals(2, tokenRequests.size(), "within its lifetime the token is reused: " + tokenRequests);
            clock.advance(Duration.ofSeconds(11));
            pull.run(app, alice, "c5");
            assertEquals(3, tokenRequests.size(), "past its lifetime a fresh token is fetched: " + tokenRequests);
            assertTrue(tokenRequests.get(2).contains("scope=repository:tokened/app:pull"), tokenRequests.get(2));

            PullException anonymous = assertThrows(PullException.class, () -> pull.run(app, CredentialProvider.anonymous(), "c6"));
            assertEquals(PullException.UNAUTHORIZED, anonymous.code(), "alice's token is not handed to an anonymous pull");
            assertEquals(4, tokenRequests.size(), "the anonymous pull asked for its own token");
        }
    }

    @FunctionalInterface
    private interface ThrowingPull {
        PullResult run(ImageReference ref, CredentialProvider credentials, String store) throws Exception;
    }

    /**
     * A token service on loopback: grants alice pull on the scope's repository (anyone else nothing) with the given
     * {@code expires_in}, and records each request's query.
     */
    private static final class TokenService implements AutoCloseable {
        private final HttpServer server;
        private final List<String> requests = new CopyOnWriteArrayList<>();

        private TokenService(HttpServer server) {
            this.server = server;
        }

        static TokenService start(TokenSigner signer, int expiresIn) throws Exception {
            TokenService service = new TokenService(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
            service.server.createContext("/token", exchange -> {
                String query = URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
                service.requests.add(query);
                String scope = query.replaceAll(".*scope=([^&]*).*", "$1");
                boolean alice = new Credentials("alice", "s3cret").basicHeader().equals(exchange.getRequestHeaders().getFirst("Authorization"));
                String repository = scope.split(":")[1];
                byte[] body = ("{\"token\":\"" + signer.sign(repository, alice ? List.of("pull") : List.of()) + "\",\"expires_in\":"
                        + expiresIn + "}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            service.server.start();
            return service;
        }

        String hostPort() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        String realm() {
            return "http://" + hostPort() + "/token";
        }

        List<String> requests() {
            return requests;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Issues registry tokens: RS256 JWTs whose x5c header carries the certificate the registry trusts. */
    static final class TokenSigner {
        private final PrivateKey key;
        private final String certificate;
        private final String issuer;
        private final String audience;

        TokenSigner(Path certPem, Path keyPem, String issuer, String audience) throws Exception {
            X509Certificate cert;
            try (var in = Files.newInputStream(certPem)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            this.certificate = Base64.getEncoder().encodeToString(cert.getEncoded());
            String pem = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            this.issuer = issuer;
            this.audience = audience;
        }

        String sign(String repository, List<String> actions) {
            try {
                ObjectNode header = TestImage.JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
                header.putArray("x5c").add(certificate);
                long now = Instant.now().getEpochSecond();
                ObjectNode claims = TestImage.JSON.createObjectNode().put("iss", issuer).put("sub", "alice").put("aud", audience)
                        .put("exp", now + 300).put("nbf", now - 10).put("iat", now - 10).put("jti", UUID.randomUUID().toString());
                ObjectNode access = claims.putArray("access").addObject().put("type", "repository").put("name", repository);
                actions.forEach(access.putArray("actions")::add);
                Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
                String signingInput = url.encodeToString(TestImage.JSON.writeValueAsBytes(header)) + "."
                        + url.encodeToString(TestImage.JSON.writeValueAsBytes(claims));
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initSign(key);
                rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                return signingInput + "." + url.encodeToString(rsa.sign());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
