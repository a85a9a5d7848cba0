package dev.jplay.runtime.snapshot;

import dev.jplay.runtime.fs.FileClaim;
import dev.jplay.runtime.fs.FileTrees;
import dev.jplay.runtime.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Container root filesystems made of store layers: an overlayfs mount (layers read-only below, a per-container
 * {@code upper}) or, without overlayfs, a flattened copy.
 *
 * <p>Layout per container: {@code <root>/<id>/{lower/<n>, upper, work, rootfs}}. {@code lower/<n>} are symlinks
 * to the layers' {@code fs} directories and mount(8) runs with {@code <root>/<id>} as working directory, so the
 * mount options hold only short relative paths ({@code lowerdir=lower/2:lower/1:lower/0}) and stay far below
 * the one-page option limit even with the kernel's maximum of 500 layers.
 */
public final class Snapshotter {
    /** How to build a rootfs: AUTO tries overlayfs and falls back to a copy. */
    public enum Mode { AUTO, OVERLAY, COPY }

    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final int MAX_MOUNT_OPTIONS = 4000;
    private static final String COPY_MARKER = "copied";

    private final LayerStore layers;
    private final Path root;
    private final Mode mode;

    public Snapshotter(LayerStore layers, Path root, Mode mode) {
        this.layers = layers;
        this.root = root.toAbsolutePath().normalize();
        this.mode = mode;
    }

    public Path rootfs(String containerId) {
        return containerDir(containerId).resolve("rootfs");
    }

    /**
     * Builds (or re-mounts, keeping its upper dir) the rootfs of {@code containerId} from present layers.
     *
     * @param layersBottomToTop diff_ids in image config order (base layer first)
     */
    public Path prepare(String containerId, List<Digest> layersBottomToTop) throws IOException {
        try (FileClaim lock = lock(containerId)) {
            return prepareLocked(containerId, layersBottomToTop);
        }
    }

    private Path prepareLocked(String containerId, List<Digest> layersBottomToTop) throws IOException {
        Path dir = containerDir(containerId);
        Path rootfs = dir.resolve("rootfs");
        List<Path> fsDirs = new ArrayList<>();
        for (Digest diffId : layersBottomToTop) {
            if (!layers.has(diffId)) {
                throw new IOException("layer " + diffId + " for container " + containerId + " is not in " + layers.root());
            }
            fsDirs.add(layers.fs(diffId));
        }
        if (Mounts.isMountPoint(rootfs) || Files.exists(dir.resolve(COPY_MARKER))) {
            return rootfs;
        }
        Files.createDirectories(rootfs);
        boolean overlay = mode == Mode.OVERLAY || (mode == Mode.AUTO && Mounts.overlaySupported());
        if (overlay) {
            try {
                mountOverlay(dir, fsDirs);
                return rootfs;
            } catch (IOException e) {
                if (mode == Mode.OVERLAY) {
                    throw e;
                }
                FileTrees.deleteTreeIfExists(dir.resolve("work"));
                FileTrees.deleteTreeIfExists(dir.resolve("upper"));
            }
        }
        List<List<String>> opaque = new ArrayList<>();
        for (Digest diffId : layersBottomToTop) {
            opaque.add(layers.result(diffId).opaqueDirs());
        }
        Flattener.flatten(fsDirs, opaque, rootfs);
        Files.createFile(dir.resolve(COPY_MARKER));
        return rootfs;
    }

    private void mountOverlay(Path dir, List<Path> fsDirs) throws IOException {
        Path lower = dir.resolve("lower");
        FileTrees.deleteTreeIfExists(lower);
        Files.createDirectories(lower);
        Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(dir.resolve("work"));
        StringBuilder lowerdir = new StringBuilder();
        if (fsDirs.isEmpty()) {
            Files.createDirectories(lower.resolve("empty"));
            lowerdir.append("lower/empty");
        }
        for (int i = fsDirs.size() - 1; i >= 0; i--) {
            Files.createSymbolicLink(lower.resolve(Integer.toString(i)), fsDirs.get(i));
            lowerdir.append(lowerdir.length() == 0 ? "" : ":").append("lower/").append(i);
        }
        String options = "lowerdir=" + lowerdir + ",upperdir=upper,workdir=work";
        if (options.length() > MAX_MOUNT_OPTIONS) {
            throw new IOException("too many layers (" + fsDirs.size() + ") for one overlay mount at " + dir);
        }
        Mounts.run(List.of("mount", "-t", "overlay", "overlay", "-o", options, "rootfs"), dir);
    }

    public boolean isMounted(String containerId) throws IOException {
        return Mounts.isMountPoint(rootfs(containerId));
    }

    /** Unmounts the overlay (no-op for copies and unmounted containers); the upper dir is kept. */
    public void unmount(String containerId) throws IOException {
        try (FileClaim lock = lock(containerId)) {
            unmountLocked(containerId);
        }
    }

    private void unmountLocked(String containerId) throws IOException {
        Path rootfs = rootfs(containerId);
        if (Mounts.isMountPoint(rootfs)) {
            Mounts.run(List.of("umount", rootfs.toString()), containerDir(containerId));
        }
    }

    /** Unmounts and deletes everything of {@code containerId}; the layers stay in the store. */
    public void remove(String containerId) throws IOException {
        try (FileClaim lock = lock(containerId)) {
            unmountLocked(containerId);
            if (isMounted(containerId)) {
                throw new IOException("rootfs of " + containerId + " is still mounted; not deleting " + containerDir(containerId));
            }
            FileTrees.deleteTreeIfExists(containerDir(containerId));
        }
    }

    /**
     * One rootfs operation per container at a time, across agents on this host: two that both saw no mount would
     * otherwise both mount (two overlays stacked on one rootfs, sharing one upper dir). The lock file sits beside
     * the container's directory (ids never start with a dot) and stays, like the container manager's.
     */
    private FileClaim lock(String containerId) throws IOException {
        Path dir = containerDir(containerId);
        Files.createDirectories(root);
        return FileClaim.acquire(root.resolve("." + dir.getFileName() + ".lock"));
    }

    private Path containerDir(String containerId) {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new IllegalArgumentException("invalid container id: " + containerId);
        }
        return root.resolve(containerId);
    }
}
