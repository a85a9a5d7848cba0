package dev.jplay.runtime.registry;

import java.util.Map;
import java.util.Optional;

/** Finds the credentials for a registry name as written in image references ({@code docker.io}, {@code host:5000}). */
@FunctionalInterface
public interface CredentialProvider {
    Optional<Credentials> credentialsFor(String registry);

    static CredentialProvider anonymous() {
        return registry -> Optional.empty();
    }

    static CredentialProvider of(Map<String, Credentials> byRegistry) {
        Map<String, Credentials> copy = Map.copyOf(byRegistry);
        return registry -> Optional.ofNullable(copy.get(registry));
    }

    /** This provider, falling back to {@code other} where it has nothing. */
    default CredentialProvider orElse(CredentialProvider other) {
        return registry -> credentialsFor(registry).or(() -> other.credentialsFor(registry));
    }
}
