package dev.jplay.runtime.registry;

import dev.jplay.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from a Docker {@code config.json}: the {@code auths} map with either a base64 {@code auth}
 * ({@code user:password}) or {@code username}/{@code password}. Credential helpers ({@code credsStore},
 * {@code credHelpers}) are not supported.
 */
public final class DockerConfigCredentials implements CredentialProvider {
    private final Map<String, Credentials> byRegistry;

    private DockerConfigCredentials(Map<String, Credentials> byRegistry) {
        this.byRegistry = Map.copyOf(byRegistry);
    }

    /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}; empty when neither exists. */
    public static DockerConfigCredentials fromDefaultLocation() throws IOException {
        String dir = System.getenv("DOCKER_CONFIG");
        Path file = dir != null ? Path.of(dir, "config.json") : Path.of(System.getProperty("user.home"), ".docker", "config.json");
        return Files.exists(file) ? load(file) : new DockerConfigCredentials(Map.of());
    }

    public static DockerConfigCredentials load(Path file) throws IOException {
        Map<String, Credentials> out = new HashMap<>();
        try {
            Map<String, Object> auths = Json.object(Json.parseObject(file), "auths");
            for (Map.Entry<String, Object> entry : auths == null ? Map.<String, Object>of().entrySet() : auths.entrySet()) {
                if (!(entry.getValue() instanceof Map)) continue; // nothing we can use
                Map<String, Object> node = Json.asObject(entry.getValue());
                String auth = Json.string(node, "auth");
                Credentials credentials;
                if (auth != null && !auth.isEmpty()) {
                    String decoded;
                    try {
                        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        throw new IOException(file + ": auths." + entry.getKey() + ".auth is not base64", e);
                    }
                    int colon = decoded.indexOf(':');
                    if (colon < 0) throw new IOException(file + ": auths." + entry.getKey() + ".auth is not user:password");
                    credentials = new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
                } else if (Json.string(node, "username") != null && Json.string(node, "password") != null) {
                    credentials = new Credentials(Json.string(node, "username"), Json.string(node, "password"));
                } else {
                    continue; // an entry kept for a credential helper: nothing we can use
                }
                out.put(normalize(entry.getKey()), credentials);
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return new DockerConfigCredentials(out);
    }

    /** {@code https://index.docker.io/v1/} → {@code docker.io}; {@code https://host:5000/} → {@code host:5000}. */
    static String normalize(String key) {
        String host = key;
        if (host.contains("://")) host = URI.create(host).getRawAuthority();
        int slash = host.indexOf('/');
        if (slash >= 0) host = host.substring(0, slash);
        if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) return "docker.io";
        return host;
    }

    @Override
    public Optional<Credentials> credentialsFor(String registry) {
        return Optional.ofNullable(byRegistry.get(registry));
    }
}
