package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.nio.file.Path;

/**
 * The image a container runs: its manifest/config digest (identity for idempotency), its config, and the rootfs
 * the caller prepared and mounted (e.g. an overlay of the unpacked layers). The launcher never mounts or deletes it.
 */
public record ContainerImage(String digest, ImageConfig config, Path rootfs) {
    public ContainerImage {
        if (rootfs == null || !rootfs.isAbsolute()) {
            throw new LaunchException(Step.ARGS, "BAD_ROOTFS", "rootfs must be an absolute path: " + rootfs);
        }
        config = config == null ? ImageConfig.EMPTY : config;
    }
}
