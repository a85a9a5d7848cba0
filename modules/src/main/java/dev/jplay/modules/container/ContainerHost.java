package dev.jplay.modules.container;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.fetch.ImageService;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.launch.ContainerExec;
import dev.jplay.runtime.launch.ContainerImage;
import dev.jplay.runtime.launch.ContainerLifecycle;
import dev.jplay.runtime.launch.ContainerLogs;
import dev.jplay.runtime.launch.JsonLogFiles;
import dev.jplay.runtime.launch.ContainerResult;
import dev.jplay.runtime.launch.ContainerRevision;
import dev.jplay.runtime.launch.ContainerRevisions;
import dev.jplay.runtime.launch.ContainerSpec;
import dev.jplay.runtime.launch.ContainerStatus;
import dev.jplay.runtime.launch.RuncRuntime;
import dev.jplay.runtime.snapshot.LayerStore;
import dev.jplay.runtime.snapshot.Snapshotter;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
    private final ContentStore content;
    private final ImageStore images;
    private final LayerStore layers;
    private final Snapshotter snapshots;
    /** Fetches into the content store and unpacks into the layer store (the pull path). */
    private final ImageService imageService;
    private final RuncRuntime runtime;
    private final ContainerLifecycle containers;
    private final ContainerRevisions revisions;
    /** Parsed manifests and configs, for this agent's lifetime. */
    private final LocalImages localImages;
    /**
     * One container's requests run one at a time (a loop with parallel items may name it twice). A whole request,
     * not one runtime operation: ContainerLifecycle's own per-operation lock also holds a file lock, so it cannot nest.
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
        this.imageService = new ImageService(content, images, layers);
        this.runtime = RuncRuntime.under(dir);
        this.containers = new ContainerLifecycle(dir, runtime);
        this.revisions = new ContainerRevisions(dir);
        this.localImages = new LocalImages(content, images);
    }

    /** A runtime on {@code stateDir} outside an agent: the boot restore ({@link BootRestore}), one per process. */
    static ContainerHost open(Path stateDir) throws IOException {
        return new ContainerHost(stateDir);
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

    // ---- containers (runc, through ContainerLifecycle) ----

    ContainerStatus status(String container) {
        return containers.status(container);
    }

    /** Names of all containers on this host. */
    List<String> containerNames() {
        return containers.names();
    }

    /** What a start with this spec and image would recreate: empty if the container does not exist (see ContainerLifecycle). */
    Optional<List<String>> differences(ContainerSpec spec, ContainerImage image) {
        return containers.differences(spec, image);
    }

    ContainerResult ensurePresent(ContainerSpec spec, ContainerImage image) {
        return containers.ensurePresent(spec, image);
    }

    ContainerResult ensureStarted(ContainerSpec spec, ContainerImage image) {
        return containers.ensureStarted(spec, image);
    }

    ContainerResult ensureStopped(String container) {
        return containers.ensureStopped(container);
    }

    /** The container and its bundle are gone; its rootfs is not (see {@link #removeRootfs}). */
    ContainerResult ensureAbsent(String container) {
        return containers.ensureAbsent(container);
    }

    ContainerResult restart(String container) {
        return containers.restart(container);
    }

    // ---- boot (BootRestore, ContainerBoot) ----

    boolean startAtBoot(String container) {
        return containers.startAtBoot(container);
    }

    boolean anyStartAtBoot() {
        return containers.anyStartAtBoot();
    }

    Optional<String> bootSkipReason(String container) {
        return containers.bootSkipReason(container);
    }

    ContainerResult startRecorded(String container) {
        return containers.startRecorded(container);
    }

    ContainerLogs logs(String container, long tailBytes) {
        return containers.logs(container, tailBytes);
    }

    /** The container's json-file log and its rotated files. */
    JsonLogFiles logFiles(String container) {
        return JsonLogFiles.of(containers.containerDir(container));
    }

    /** Runs commands inside this host's containers (health checks). */
    ContainerExec exec() {
        return new ContainerExec(runtime);
    }

    // ---- revisions (rollback) ----

    /** What the container was created from; empty when it does not exist. */
    Optional<ContainerRevision> revision(String container) {
        return revisions.current(container);
    }

    /** The revision to roll back to, kept by the last {@link #keepAsPrevious}. */
    Optional<ContainerRevision> previousRevision(String container) {
        return revisions.previous(container);
    }

    /** Before a recreate: the current revision becomes the one to roll back to. False when there is none. */
    boolean keepAsPrevious(String container) {
        return revisions.keepAsPrevious(container);
    }

    /** Before a start-first replacement starts {@code container}: {@code replaced}'s revision is the one to roll back to. */
    boolean keepAsPrevious(String container, String replaced) {
        return revisions.keepAsPrevious(container, replaced);
    }

    void forgetPrevious(String container) {
        revisions.forgetPrevious(container);
    }

    // ---- root filesystems (overlay snapshots) ----

    /** Where the container's rootfs is (or would be) mounted. */
    Path rootfs(String container) {
        return snapshots.rootfs(container);
    }

    /** Whether anything of the container's snapshot is left on disk. */
    boolean hasRootfs(String container) {
        return Files.exists(snapshots.rootfs(container).getParent());
    }

    /** Mounts the container's rootfs from these layers; on failure removes what was prepared. */
    void mountRootfs(String container, List<Digest> diffIds) throws ModuleException {
        try {
            snapshots.prepare(container, diffIds);
        } catch (IOException e) {
            ModuleException failure = Failures.mount(container, snapshots.rootfs(container), e);
            try {
                snapshots.remove(container);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }

    /** A fresh writable layer over these layers, whatever rootfs the container had before (as for any recreate). */
    Path remountRootfs(String container, List<Digest> diffIds) throws ModuleException {
        try {
            snapshots.remove(container);
            return snapshots.prepare(container, diffIds);
        } catch (IOException e) {
            throw Failures.mount(container, snapshots.rootfs(container), e);
        }
    }

    void removeRootfs(String container) throws ModuleException {
        try {
            snapshots.remove(container);
        } catch (IOException e) {
            throw Failures.mount(container, snapshots.rootfs(container), e);
        }
    }

    // ---- images ----

    /** The image stores' directory, named in store failures. */
    Path imageStoreDir() {
        return content.root();
    }

    /** The image with this manifest, if all its blobs are in the content store. */
    Optional<LocalImages.LocalImage> imageByManifest(Digest manifest) throws IOException {
        return localImages.byManifest(manifest);
    }

    /** Those of {@code diffIds} that are not unpacked in the layer store. */
    List<Digest> missingLayers(List<Digest> diffIds) {
        return diffIds.stream().filter(d -> !layers.has(d)).toList();
    }

    /** Whether {@code reference} is recorded (pulled, or tagged by a pull) in the image store. */
    boolean isImageRecorded(String reference) throws IOException {
        return images.get(reference).isPresent();
    }

    /** Forgets the reference (its blobs stay until a prune); false if it was not recorded. */
    boolean forgetImage(String reference) throws IOException {
        return images.remove(reference);
    }

    /** Deletes (or, in check mode, counts) blobs and layers that no recorded image, container or kept revision uses. */
    ImagePruner.Pruned pruneImages(boolean check) throws IOException {
        return new ImagePruner(images, layers, localImages).prune(imagesInUse(), check);
    }

    /** Manifest digests of the images containers were created from, and of their kept previous revisions. */
    private Set<Digest> imagesInUse() {
        Set<Digest> used = new HashSet<>();
        for (String name : containers.names()) {
            ContainerStatus status = containers.status(name);
            if (status.imageDigest() != null) used.add(Digest.parse(status.imageDigest()));
        }
        // A container's previous revision (for rollback) keeps its image too.
        revisions.previousImageDigests().forEach(d -> used.add(Digest.parse(d)));
        return used;
    }

    // ---- the pull path (ImageEnsurer) ----

    ImageService imageService() { return imageService; }

    /** The content store, for the blob server that peers take this host's blobs from. */
    ContentStore contentStore() { return content; }

    LocalImages localImages() { return localImages; }

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
