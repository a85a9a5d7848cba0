package dev.jplay.engine.relay;

import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.registry.CredentialProvider;
import dev.jplay.runtime.registry.Credentials;
import dev.jplay.runtime.registry.DockerConfigCredentials;
import dev.jplay.runtime.registry.RegistryAuthenticator;
import dev.jplay.runtime.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The controller's registry client for a relayed image, from the same task arguments the agent would use
 * ({@code insecure}, {@code ca_file}, {@code username}/{@code password}, {@code registry_auth_file}; without them
 * the controller user's {@code ~/.docker/config.json}). Paths are read on the controller: the relay is its pull.
 * The credentials stay in this process; only blobs go to the host.
 */
final class RelayRegistryAccess {
    private final RegistryAuthenticator authenticator = new RegistryAuthenticator();

    RegistryClient client(ImageReference ref, Map<String, Object> args, Duration readTimeout) throws IOException {
        RegistryClient.Builder builder = RegistryClient.builder().credentials(credentials(ref, args)).requestTimeout(readTimeout)
                .authenticator(authenticator);
        if (truthy(args.get("insecure"))) builder.insecure(ref.registry()).insecure(ref.apiHost());
        Object ca = args.get("ca_file");
        if (ca != null) builder.caFile(Path.of(ca.toString()));
        return builder.build();
    }

    private static CredentialProvider credentials(ImageReference ref, Map<String, Object> args) throws IOException {
        Object username = args.get("username");
        Object password = args.get("password");
        CredentialProvider given = username == null || password == null ? CredentialProvider.anonymous()
                : CredentialProvider.of(Map.of(ref.registry(), new Credentials(username.toString(), password.toString())));
        Object auth = args.get("registry_auth_file");
        CredentialProvider file = auth != null ? DockerConfigCredentials.load(Path.of(auth.toString()))
                : DockerConfigCredentials.fromDefaultLocation();
        return given.orElse(file);
    }

    static boolean truthy(Object value) {
        if (value instanceof Boolean b) return b;
        return value != null && java.util.Set.of("true", "yes", "on", "1").contains(value.toString().strip().toLowerCase(java.util.Locale.ROOT));
    }

}
