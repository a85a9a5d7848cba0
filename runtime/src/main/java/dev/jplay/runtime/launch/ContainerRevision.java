package dev.jplay.runtime.launch;

/**
 * What a container was (or is) created from: its spec and image manifest digest. Two revisions with the same
 * {@code specHash} describe the same container.
 */
public record ContainerRevision(ContainerSpec spec, String imageDigest, String specHash) {

    static ContainerRevision of(SpecRecord record) {
        return new ContainerRevision(record.spec(), record.imageDigest(), record.hash());
    }
}
