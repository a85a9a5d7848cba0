package dev.jplay.runtime.unpack;

import dev.jplay.runtime.fs.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Streams one OCI/Docker layer blob into a directory in overlay "lower" form, like containerd's unpacker for its
 * overlay snapshotter: OCI whiteouts {@code .wh.NAME} become 0:0 character devices, {@code .wh..wh..opq} becomes
 * {@code trusted.overlay.opaque=y}. The diff_id is computed on the fly, no temporary copy is made.
 *
 * <p>Everything written stays under the layer directory ({@link ConfinedTree}). Device nodes other than
 * whiteouts are skipped unless {@code createDevices} is set: containers get their /dev from the runtime, and
 * a block device in an image is a way to reach host disks. FIFOs are created. Xattrs from PAX
 * {@code SCHILY.xattr.*} records are applied with {@code setfattr} (Debian package "attr"), which is also needed
 * for opaque directories; {@code trusted.overlay.*} from the tar itself is ignored (only whiteouts may set it).
 */
public final class LayerUnpacker {
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String XATTR_PREFIX = "SCHILY.xattr.";

    /** Threads writing small files while the tar streams in: file creation is latency-bound, not CPU-bound. */
    public static final int DEFAULT_WRITER_THREADS = 4;

    private final boolean createDevices;
    private final int writerThreads;

    public LayerUnpacker() {
        this(false);
    }

    public LayerUnpacker(boolean createDevices) {
        this(createDevices, DEFAULT_WRITER_THREADS);
    }

    /** @param writerThreads threads writing small files in parallel (0: all on the unpacking thread) */
    public LayerUnpacker(boolean createDevices, int writerThreads) {
        this.createDevices = createDevices;
        this.writerThreads = writerThreads;
    }

    /**
     * Unpacks {@code compressed} (gzip, zstd or plain tar, chosen by {@code mediaType}, sniffed if the type is
     * null or unknown) into {@code layerDir} (created if absent; normally empty). On failure what was written is
     * removed (and {@code layerDir} too, if this created it) before the exception is thrown.
     */
    public UnpackResult unpack(InputStream compressed, String mediaType, Path layerDir, UnpackLimits limits)
            throws IOException {
        boolean existed = Files.exists(layerDir, LinkOption.NOFOLLOW_LINKS);
        ConfinedTree tree = new ConfinedTree(layerDir, writerThreads);
        MeteredInputStream tar = null;
        List<String> opaque = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        long entries = 0;
        try {
            GrowthGuard guard = new GrowthGuard(limits, tree.root());
            tar = new MeteredInputStream(guard.uncompressed(Compression.decompress(guard.compressed(compressed),
                    mediaType)), limits.maxUncompressedBytes());
            TarArchiveInputStream in = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
            while (true) {
                tar.openHeaderWindow(limits.maxHeaderBytes());
                TarArchiveEntry entry = in.getNextEntry();
                tar.closeHeaderWindow();
                if (entry == null) {
                    break;
                }
                UnpackProgress.entry(entry.getName());
                if (++entries > limits.maxEntries()) {
                    throw new UnpackLimitException("layer has more than " + limits.maxEntries() + " entries");
                }
                try {
                    apply(entry, in, tree, opaque, skipped, tar::capturedXattrs);
                } catch (InvalidPathException e) {
                    throw new UnpackException("entry '" + entry.getName() + "' cannot be represented as a path"
                            + " (JVM file name encoding " + System.getProperty("sun.jnu.encoding")
                            + "; run the agent with LANG=C.UTF-8)", e);
                } catch (UnpackException e) {
                    throw e;
                } catch (IOException e) {
                    throw new UnpackException("cannot unpack entry '" + entry.getName() + "' into " + tree.root()
                            + ": " + e, e);
                }
            }
            tar.drain();
            tree.finish();
        } catch (UnpackLimitException e) {
            UnpackLimitException located = e.locate(" (layer directory " + tree.root() + ")",
                    tar == null ? 0 : tar.position());
            cleanUp(tree, existed, located);
            throw located;
        } catch (IOException | RuntimeException | Error e) {
            cleanUp(tree, existed, e);
            throw e;
        }
        return new UnpackResult(tar.diffId(), entries, tar.position(), opaque, skipped);
    }

    /**
     * After a failure nothing of the layer stays (a half-written layer only fills the disk): the tree's threads
     * and temporary files, then what it wrote, and {@code layerDir} itself unless it was there before.
     */
    private static void cleanUp(ConfinedTree tree, boolean existed, Throwable failure) {
        try {
            tree.abandon();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        try {
            if (!existed) {
                FileTrees.deleteTreeIfExists(tree.root());
            } else {
                try (var children = Files.list(tree.root())) {
                    for (Path child : (Iterable<Path>) children::iterator) {
                        FileTrees.deleteTreeIfExists(child);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void apply(TarArchiveEntry entry, InputStream content, ConfinedTree tree, List<String> opaque,
                       List<String> skipped, Supplier<Map<String, byte[]>> rawXattrs) throws IOException {
        String rel = EntryPaths.normalize(entry.getName());
        String base = rel.isEmpty() ? "" : EntryPaths.baseName(rel);
        if (base.startsWith(WHITEOUT_PREFIX)) {
            String parent = EntryPaths.parent(rel);
            if (base.equals(OPAQUE)) {
                tree.opaque(parent);
                opaque.add(parent);
            } else if (!base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) { // .wh..wh.* is AUFS metadata
                String hidden = base.substring(WHITEOUT_PREFIX.length());
                if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                    throw new UnpackException("whiteout entry '" + entry.getName() + "' names no file");
                }
                tree.whiteout(EntryPaths.child(parent, hidden));
            }
            return;
        }
        FileMeta meta = new FileMeta(entry.getMode(), (int) entry.getLongUserId(), (int) entry.getLongGroupId(),
                FileTime.from(entry.getLastModifiedTime().toInstant()),
                entry.getLastAccessTime() == null ? null : entry.getLastAccessTime());
        // link types first: commons-compress calls any name ending in '/' a directory
        if (entry.isSymbolicLink()) {
            tree.symlink(rel, entry.getLinkName(), meta);
        } else if (entry.isLink()) {
            tree.hardlink(rel, EntryPaths.normalize(entry.getLinkName()));
            return; // a hardlink shares its target's inode and xattrs
        } else if (entry.isDirectory()) {
            tree.directory(rel, meta);
        } else if (entry.isFIFO()) {
            tree.fifo(rel, meta);
        } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            if (!createDevices) {
                skipped.add(rel);
                return;
            }
            tree.device(rel, entry.isCharacterDevice() ? 'c' : 'b', entry.getDevMajor(), entry.getDevMinor(), meta);
        } else if (entry.isFile()) {
            tree.file(rel, content, entry.getRealSize(), meta);
        } else {
            throw new UnpackException("entry '" + entry.getName() + "' has an unsupported tar entry type");
        }
        if (entry.getExtraPaxHeaders().keySet().stream().anyMatch(k -> k.startsWith(XATTR_PREFIX))) {
            for (Map.Entry<String, byte[]> xattr : rawXattrs.get().entrySet()) {
                if (!xattr.getKey().startsWith("trusted.overlay.")) {
                    tree.xattr(rel, xattr.getKey(), xattr.getValue());
                }
            }
        }
    }
}
