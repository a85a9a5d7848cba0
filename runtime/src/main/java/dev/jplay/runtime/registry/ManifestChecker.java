package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.MediaTypes;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** HEAD on a manifest: the digest the reference currently points at, if the registry says (it should). */
record ManifestChecker(ImageReference ref) implements RegistryEndpoint<Optional<Digest>> {
    @Override
    public String method() {
        return "HEAD";
    }

    @Override
    public URI uri(URI apiBase) {
        return apiBase.resolve(ref.repository() + "/manifests/" + ref.manifestReference());
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Accept", MediaTypes.MANIFEST_ACCEPT);
    }

    @Override
    public Step step() {
        return Step.RESOLVE;
    }

    @Override
    public Digest digest() {
        return ref.digest();
    }

    @Override
    public String describe() {
        return "fetching the manifest of " + ref;
    }

    @Override
    public Optional<Digest> handle(RegistryResponse response) {
        response.discard();
        try {
            return response.header("Docker-Content-Digest").map(Digest::parse);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // another algorithm: fall back to a GET
        }
    }
}
