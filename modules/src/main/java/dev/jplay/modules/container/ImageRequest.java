package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.Platform;
import dev.jplay.runtime.registry.PullOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which image, from where and how: the pull arguments shared by {@code image} and {@code container}.
 * {@code pull_progress_timeout} (seconds, default 60): the pull fails when no byte came for that long.
 */
record ImageRequest(ImageReference reference, Platform platform, RegistryAccess access, int parallel, boolean unpack,
        PullPolicy policy, Duration progressTimeout) {

    /** Argument names this reads, besides the one naming the image. */
    static final List<String> ARGS;

    static {
        List<String> args = new ArrayList<>(RegistryAccess.ARGS);
        args.addAll(List.of("platform", "parallel", "pull_progress_timeout"));
        ARGS = List.copyOf(args);
    }

    static ImageRequest from(ModuleArgs args, String nameArg, boolean unpack, PullPolicy policy) throws ModuleException {
        ImageReference ref = reference(args.string(nameArg), nameArg);
        Platform platform;
        try {
            platform = args.has("platform") ? Platform.parse(args.string("platform")) : Platform.host();
        } catch (IllegalArgumentException e) {
            throw new ModuleException("args", "ARG_VALUE", e.getMessage());
        }
        long parallel = args.number("parallel", 3);
        if (parallel < 1 || parallel > 32) {
            throw new ModuleException("args", "ARG_VALUE", "parallel must be between 1 and 32, got " + parallel);
        }
        long progress = args.number("pull_progress_timeout", PullOptions.DEFAULT_PROGRESS_TIMEOUT.toSeconds());
        if (progress < 1) {
            throw new ModuleException("args", "ARG_VALUE", "pull_progress_timeout must be at least 1 (seconds), got " + progress);
        }
        return new ImageRequest(ref, platform, RegistryAccess.from(args), (int) parallel, unpack, policy,
                Duration.ofSeconds(progress));
    }

    static ImageReference reference(String text, String argName) throws ModuleException {
        try {
            return ImageReference.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ModuleException("args", "ARG_VALUE", argName + ": " + e.getMessage());
        }
    }
}
