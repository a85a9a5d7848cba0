package dev.jplay.runtime.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/** An image index (OCI) or manifest list (Docker): one manifest per platform. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageIndex(
        @JsonProperty("schemaVersion") int schemaVersion,
        @JsonProperty("mediaType") String mediaType,
        @JsonProperty("manifests") List<Descriptor> manifests) {

    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
    }

    /** The first image manifest whose platform the wanted platform accepts (entries in index order, as containerd). */
    public Optional<Descriptor> select(Platform wanted) {
        return manifests.stream()
                .filter(d -> d.mediaType() == null || MediaTypes.isManifest(d.mediaType()))
                .filter(d -> wanted.accepts(d.platform()))
                .findFirst();
    }
}
