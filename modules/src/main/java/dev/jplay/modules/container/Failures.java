package dev.jplay.modules.container;

import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.fetch.LayerUnpackException;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.launch.LaunchException;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PulledLayer;
import dev.jplay.runtime.snapshot.LayerDigestMismatchException;
import dev.jplay.runtime.unpack.UnpackException;
import dev.jplay.runtime.unpack.UnpackLimitException;
import java.io.IOException;
import java.nio.file.Path;

/** Turns runtime failures into located module failures: step, stable code, and what a human needs to look at. */
final class Failures {
    private Failures() {}

    static ModuleException pull(ImageReference ref, PullException e) {
        Failure f = e.failure("image " + ref + ": " + e.getMessage());
        return new ModuleException(Failure.builder(f.step(), f.code(), f.message())
                .detail("image", ref.toString()).detail("registry", ref.registry()).detail(f.detail())
                .retryable(f.retryable()).build(), e);
    }

    /** A layer of the image service's fetch failed to unpack or did not match its diff_id. */
    static ModuleException unpack(ImageReference ref, LayerUnpackException e) {
        return unpack(ref, e.layer(), e.getCause());
    }

    /** A layer failed to unpack or did not match its diff_id; {@code layer} may be null when unknown. */
    static ModuleException unpack(ImageReference ref, PulledLayer layer, Throwable failure) {
        Throwable cause = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LayerDigestMismatchException || t instanceof UnpackException) {
                cause = t;
                break;
            }
        }
        Step step = Step.UNPACK;
        String code = "UNPACK_FAILED";
        if (cause instanceof LayerDigestMismatchException mismatch) {
            step = Step.VERIFY;
            code = "DIFF_ID_MISMATCH";
        } else if (cause instanceof UnpackLimitException limit) {
            code = limit.code();
        } else if (!(cause instanceof UnpackException)) {
            code = cause instanceof IOException ? "UNPACK_IO" : "UNPACK_FAILED";
        }
        ModuleException m = new ModuleException(step, code, "image " + ref + ": " + cause.getMessage() + hint(code), failure)
                .detail("image", ref.toString());
        if (cause instanceof UnpackLimitException limit && limit.bytesWritten() >= 0) {
            m.detail("bytes_written", limit.bytesWritten()); // already removed again
        }
        if (cause instanceof LayerDigestMismatchException mismatch) {
            m.detail("diff_id", mismatch.expected()).detail("actual_diff_id", mismatch.actual());
        }
        if (layer != null) {
            m.detail("digest", layer.digest().toString()).detail("diff_id", layer.diffId().toString());
        }
        return m;
    }

    /** What to change when a layer hit a bound that a task can move. */
    private static String hint(String code) {
        return switch (code) {
            case UnpackLimitException.EXPANSION -> "; if the image is trusted, raise unpack_max_ratio or"
                    + " unpack_ratio_floor (unpack_max_ratio: 0 lifts the cap)";
            case UnpackLimitException.DISK_RESERVE -> "; free space on the host, or lower unpack_min_free";
            default -> "";
        };
    }

    static ModuleException launch(LaunchException e) {
        return new ModuleException(e.failure(), e);
    }

    static ModuleException mount(String container, Path rootfs, IOException e) {
        return new ModuleException(Step.MOUNT, "MOUNT_FAILED", "cannot prepare the rootfs of container '" + container + "': "
                + e.getMessage(), e).detail("path", rootfs.toString());
    }

    static ModuleException store(String what, Path path, IOException e) {
        return new ModuleException(Step.STORE, "STORE_IO", what + ": " + e.getMessage(), e).detail("path", String.valueOf(path));
    }
}
