package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.registry.CredentialProvider;
import dev.jplay.runtime.registry.Credentials;
import dev.jplay.runtime.registry.DockerConfigCredentials;
import dev.jplay.runtime.registry.RegistryAuthenticator;
import dev.jplay.runtime.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to reach a registry, from the task arguments shared by {@code image} and {@code container}: {@code insecure}
 * (plain http), {@code ca_file} (PEM of the CAs to trust), {@code username}/{@code password}, or
 * {@code registry_auth_file} (a Docker {@code config.json}); without either, {@code ~/.docker/config.json} if any.
 */
record RegistryAccess(boolean insecure, Path caFile, String username, String password, Path authFile) {
    static final List<String> ARGS = List.of("insecure", "ca_file", "username", "password", "registry_auth_file");

    static RegistryAccess from(ModuleArgs args) throws ModuleException {
        String username = args.string("username", null);
        String password = args.string("password", null);
        if ((username == null) != (password == null)) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", "give both 'username' and 'password', or neither");
        }
        String ca = args.string("ca_file", null);
        String auth = args.string("registry_auth_file", null);
        return new RegistryAccess(args.bool("insecure", false), ca == null ? null : Path.of(ca), username, password,
                auth == null ? null : Path.of(auth));
    }

    /**
     * The agent's one authenticator: its bearer tokens serve every pull of this agent until they expire, not only
     * the pull that fetched them.
     */
    static RegistryAuthenticator authenticator(ModuleContext ctx) {
        return (RegistryAuthenticator) ctx.agentState().computeIfAbsent("registry-authenticator", key -> new RegistryAuthenticator());
    }

    /**
     * @param readTimeout the longest silence on a connection: the pull's progress timeout
     * @param authenticator answers auth challenges and keeps tokens, see {@link #authenticator}
     */
    RegistryClient client(ImageReference ref, Duration readTimeout, RegistryAuthenticator authenticator) throws ModuleException {
        RegistryClient.Builder builder = RegistryClient.builder().credentials(credentials(ref)).requestTimeout(readTimeout)
                .authenticator(authenticator);
        if (insecure) builder.insecure(ref.registry()).insecure(ref.apiHost());
        if (caFile != null) builder.caFile(caFile);
        try {
            return builder.build();
        } catch (IOException e) {
            throw new ModuleException(Step.AUTH, "CA_FILE_UNUSABLE", "cannot use ca_file " + caFile + ": " + e.getMessage(), e)
                    .detail("path", String.valueOf(caFile));
        }
    }

    private CredentialProvider credentials(ImageReference ref) throws ModuleException {
        CredentialProvider given = username == null ? CredentialProvider.anonymous()
                : CredentialProvider.of(Map.of(ref.registry(), new Credentials(username, password)));
        try {
            CredentialProvider file = authFile != null ? DockerConfigCredentials.load(authFile) : DockerConfigCredentials.fromDefaultLocation();
            return given.orElse(file);
        } catch (IOException e) {
            throw new ModuleException(Step.AUTH, "AUTH_FILE_UNREADABLE", "cannot read registry auth file "
                    + (authFile != null ? authFile : "~/.docker/config.json") + ": " + e.getMessage(), e)
                    .detail("path", String.valueOf(authFile));
        }
    }
}
