package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.fs.ByteSize;
import dev.jplay.runtime.image.Platform;
import dev.jplay.runtime.unpack.UnpackLimits;
import dev.jplay.runtime.registry.PullOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which image, from where and how: the pull arguments shared by {@code image} and {@code container}.
 * {@code pull_progress_timeout} (seconds, default 60): the pull fails when no byte came for that long.
 * {@code _peers}: the fleet hosts to take blobs from first, set by the controller ({@link PeerRequest}).
 */
record ImageRequest(ImageReference reference, Platform platform, RegistryAccess access, int parallel, boolean unpack,
        PullPolicy policy, UnpackLimits limits, Duration progressTimeout, PeerRequest peers) {

    /** Argument names this reads, besides the one naming the image. */
    static final List<String> ARGS;

    static {
        List<String> args = new ArrayList<>(RegistryAccess.ARGS);
        args.addAll(List.of("platform", "parallel", "unpack_max_ratio", "unpack_ratio_floor", "unpack_min_free",
                "pull_progress_timeout", PeerRequest.ARG));
        ARGS = List.copyOf(args);
    }

    static ImageRequest from(ModuleArgs args, String nameArg, boolean unpack, PullPolicy policy) throws ModuleException {
        ImageReference ref = reference(args.string(nameArg), nameArg);
        Platform platform;
        try {
            platform = args.has("platform") ? Platform.parse(args.string("platform")) : Platform.host();
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", e.getMessage());
        }
        long parallel = args.number("parallel", 3);
        if (parallel < 1 || parallel > 32) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "parallel must be between 1 and 32, got " + parallel);
        }
        long progress = args.number("pull_progress_timeout", PullOptions.DEFAULT_PROGRESS_TIMEOUT.toSeconds());
        if (progress < 1) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "pull_progress_timeout must be at least 1 (seconds), got " + progress);
        }
        return new ImageRequest(ref, platform, RegistryAccess.from(args), (int) parallel, unpack, policy, limits(args),
                Duration.ofSeconds(progress), PeerRequest.from(args));
    }

    /**
     * How far a layer may grow while it unpacks: {@code unpack_max_ratio} (uncompressed per compressed byte, 0: no
     * cap) past {@code unpack_ratio_floor} (a size), and {@code unpack_min_free}, the free space the state
     * directory's filesystem keeps (a size, or a percentage of the filesystem). Defaults: {@link UnpackLimits}.
     */
    static UnpackLimits limits(ModuleArgs args) throws ModuleException {
        UnpackLimits limits = UnpackLimits.defaults();
        long ratio = args.number("unpack_max_ratio", limits.maxExpansionRatio());
        if (ratio < 0 || ratio > Integer.MAX_VALUE) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "unpack_max_ratio must be 0 (no cap) or a positive number, got " + ratio);
        }
        long floor = args.has("unpack_ratio_floor") ? size(args, "unpack_ratio_floor") : limits.expansionFloorBytes();
        limits = limits.withExpansion((int) ratio, floor);
        if (args.has("unpack_min_free")) {
            String text = args.string("unpack_min_free").trim();
            if (text.endsWith("%")) {
                long percent = number(text.substring(0, text.length() - 1), "unpack_min_free");
                if (percent > 100) {
                    throw new ModuleException(Step.ARGS, "ARG_VALUE", "unpack_min_free must be at most 100%, got " + text);
                }
                limits = limits.withFreeSpaceReserve(0, (int) percent);
            } else {
                limits = limits.withFreeSpaceReserve(size(args, "unpack_min_free"), 0);
            }
        }
        return limits;
    }

    private static long size(ModuleArgs args, String name) throws ModuleException {
        try {
            return ByteSize.parse(args.string(name));
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", name + ": " + e.getMessage());
        }
    }

    private static long number(String text, String name) throws ModuleException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", name + " must be a size (2g) or a whole percentage (10%), got '"
                    + text + "%'");
        }
    }

    static ImageReference reference(String text, String argName) throws ModuleException {
        try {
            return ImageReference.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", argName + ": " + e.getMessage());
        }
    }
}
