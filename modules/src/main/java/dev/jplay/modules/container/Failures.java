package dev.jplay.modules.container;

import dev.jplay.modules.ModuleException;
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
import java.util.Map;

/** Turns runtime failures into located module failures: step, stable code, and what a human needs to look at. */
final class Failures {
    private Failures() {}

    static ModuleException pull(ImageReference ref, PullException e) {
        // The registry answered, but has no such manifest: the image (or tag) does not exist.
        String step = e.step() == PullException.Step.RESOLVE && PullException.NOT_FOUND.equals(e.code())
                ? "manifest" : e.step().label();
        ModuleException m = new ModuleException(step, e.code(), "image " + ref + ": " + e.getMessage(), e)
                .detail("image", ref.toString())
                .detail("registry", ref.registry())
                .detail("url", e.url())
                .detail("http_status", e.httpStatus());
        if (e.digest() != null) m.detail("digest", e.digest().toString());
        return m;
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
        String step = "unpack";
        String code = "UNPACK_FAILED";
        if (cause instanceof LayerDigestMismatchException mismatch) {
            step = "verify";
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
        String step = e.step() == LaunchException.Step.SPEC ? "args" : e.step().id();
        ModuleException m = new ModuleException(step, e.code(), e.getMessage(), e);
        for (Map.Entry<String, Object> d : e.detail().entrySet()) m.detail(d.getKey(), d.getValue());
        return m;
    }

    static ModuleException mount(String container, Path rootfs, IOException e) {
        return new ModuleException("mount", "MOUNT_FAILED", "cannot prepare the rootfs of container '" + container + "': "
                + e.getMessage(), e).detail("path", rootfs.toString());
    }

    static ModuleException store(String what, Path path, IOException e) {
        return new ModuleException("store", "STORE_IO", what + ": " + e.getMessage(), e).detail("path", String.valueOf(path));
    }
}
