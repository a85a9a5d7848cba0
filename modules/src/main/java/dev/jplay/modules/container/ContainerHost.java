package dev.jplay.modules.container;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.launch.ContainerManager;
import dev.jplay.runtime.launch.RuncRuntime;
import dev.jplay.runtime.snapshot.LayerStore;
import dev.jplay.runtime.snapshot.Snapshotter;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The agent's container runtime on this host, one per state directory and agent process. Layout under the
 * state directory, like containerd's: {@code images/{blobs,ingest}} (content store), {@code images/images.json}
 * (reference → digest), {@code images/layers} (unpacked layers), {@code snapshots/<name>} (overlay rootfs per
 * container), {@code containers/<name>} (bundles) and {@code runc/} (runc's state). Agents of concurrent runs may
 * share one state directory: each store locks across processes itself (docs/image-store.md).
 */
final class ContainerHost {
    final ContentStore content;
    final ImageStore images;
    final LayerStore layers;
    final Snapshotter snapshots;
    final RuncRuntime runtime;
    final ContainerManager containers;
    /** Parsed manifests and configs, for this agent's lifetime. */
    final LocalImages localImages;
    /**
     * One container's requests run one at a time (a loop with parallel items may name it twice). A whole request,
     * not one runtime operation: ContainerManager's own per-operation lock also holds a file lock, so it cannot nest.
     */
    private final ConcurrentHashMap<String, ReentrantLock> containerLocks = new ConcurrentHashMap<>();

    ReentrantLock lockFor(String container) {
        return containerLocks.computeIfAbsent(container, n -> new ReentrantLock());
    }

    private ContainerHost(Path stateDir) throws IOException {
        Path dir = stateDir.toAbsolutePath().normalize();
        Path imagesDir = dir.resolve("images");
        this.content = new ContentStore(imagesDir);
        this.images = new ImageStore(imagesDir.resolve("images.json"), content);
        this.layers = new LayerStore(imagesDir);
        this.snapshots = new Snapshotter(layers, dir.resolve("snapshots"), Snapshotter.Mode.AUTO);
        this.runtime = RuncRuntime.under(dir);
        this.containers = new ContainerManager(dir, runtime);
        this.localImages = new LocalImages(content, images);
    }

    /** The shared instance for this agent (stores keep in-process locks, so there must be only one). */
    static ContainerHost of(ModuleContext ctx) throws ModuleException {
        try {
            return (ContainerHost) ctx.agentState().computeIfAbsent("container-host:" + ctx.stateDir(), key -> {
                try {
                    return new ContainerHost(ctx.stateDir());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw new ModuleException(Step.STORE, "STORE_IO", "cannot open the container state in " + ctx.stateDir() + ": "
                    + e.getCause().getMessage(), e.getCause()).detail("path", ctx.stateDir().toString());
        }
    }

    /** Mounting, runc and cgroups need root; say so before anything half-happens. */
    static void requireRoot(String module) throws ModuleException {
        long uid = effectiveUid();
        if (uid != 0) {
            throw new ModuleException(Step.LAUNCH, "NEEDS_ROOT", module + ": the agent runs as uid " + uid
                    + " but images and containers need root (connect as root or use become)").detail("uid", uid);
        }
    }

    static long effectiveUid() {
        return dev.jplay.modules.Privileges.effectiveUid();
    }
}
