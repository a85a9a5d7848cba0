package dev.jplay.runtime.unpack;

import dev.jplay.runtime.fs.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a tree under {@code root} and nowhere else, whatever names it is given.
 *
 * <p>Confinement by construction: paths are normalized lexically ({@link EntryPaths}), so they never contain
 * {@code ..}; every parent directory is either one this tree created or verified with {@code lstat} to be a real
 * directory, never a symlink (a symlinked parent is an error, not something to follow or re-resolve); the last
 * component is never followed: files are created with O_EXCL, metadata calls use NOFOLLOW (fchmod on an
 * O_NOFOLLOW descriptor, lchown, utimensat(AT_SYMLINK_NOFOLLOW)), FIFOs and devices are never opened at all,
 * and an existing entry of another kind is removed, not written through. Work deferred to the end (directory
 * mtimes, xattrs) is re-validated against the set of verified directories, so an entry replaced meanwhile by a
 * symlink is never touched.
 *
 * <p>Small regular files may be written by a few threads ({@link ParallelWrites}), but only into directories this
 * tree created empty and under names it has not created yet, and only while the tree merely adds entries: anything
 * that removes, replaces or inspects an existing entry, or touches a path being written, first waits for all writes.
 *
 * <p>Not thread-safe; assumes nothing else writes under {@code root} meanwhile (it is a private staging dir).
 */
public final class ConfinedTree {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int BUFFER = 1 << 18;
    /** Files up to this size are read into memory and written by {@link ParallelWrites}. */
    private static final int SMALL_FILE = 256 * 1024;
    private static final int WRITES_IN_FLIGHT = 64;

    private final Path root;
    private final ProcessDefaults defaults;
    private final SpecialFiles special;
    /** Verified real directories (relative path) mapped to "has the setgid bit" (children inherit its group). */
    private final Map<String, Boolean> dirs = new HashMap<>();
    private final Map<String, FileMeta> dirTimes = new HashMap<>();
    private final List<PendingXattr> xattrs = new ArrayList<>();
    /** Directories this tree created (so they started empty) and names it created: where a new file is safe. */
    private final Set<String> freshDirs = new HashSet<>();
    private final Set<String> created = new HashSet<>();
    private final ParallelWrites writes;
    private final byte[] buffer = new byte[BUFFER];
    private Path whiteoutTemplate;

    private record PendingXattr(String rel, Object fileKey, String name, byte[] value) {}

    public ConfinedTree(Path root) throws IOException {
        this(root, 0);
    }

    /** @param writerThreads threads writing small files in parallel; 0 writes everything on the caller's thread */
    public ConfinedTree(Path root, int writerThreads) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
        BasicFileAttributes attrs = Files.readAttributes(this.root, BasicFileAttributes.class, NOFOLLOW);
        if (!attrs.isDirectory()) {
            throw new UnpackException("tree root " + this.root + " is not a directory");
        }
        this.defaults = ProcessDefaults.get();
        this.special = new SpecialFiles(this.root);
        dirs.put("", (mode(this.root) & 02000) != 0);
        if (writerThreads > 0) {
            try (var children = Files.list(this.root)) {
                if (children.findAny().isEmpty()) {
                    freshDirs.add("");
                }
            }
        }
        this.writes = writerThreads > 0 ? new ParallelWrites(writerThreads, WRITES_IN_FLIGHT) : null;
    }

    public Path root() {
        return root;
    }

    /** Creates or updates directory {@code rel} ({@code ""}: the root); its mtime is set by {@link #finish()}. */
    public void directory(String rel, FileMeta meta) throws IOException {
        Path path = root;
        boolean created = false;
        if (!rel.isEmpty()) {
            path = child(rel);
            try {
                Files.createDirectory(path);
                created = true;
            } catch (FileAlreadyExistsException e) {
                if (!isRealDirectory(path)) {
                    removeExisting(rel, path);
                    Files.createDirectory(path);
                    created = true;
                }
            }
            if (created) {
                freshDirs.add(rel);
            }
        }
        boolean inheritsGid = dirs.getOrDefault(EntryPaths.parent(rel), false);
        // an existing directory (merged or the root) has an owner and mode we did not just choose
        chownAndChmod(path, meta, created ? defaults.dirMode() : -1, inheritsGid || !created, true);
        dirs.put(rel, (meta.mode() & 02000) != 0);
        dirTimes.put(rel, meta);
    }

    /** Creates regular file {@code rel} with {@code size} bytes from {@code content}. */
    public void file(String rel, InputStream content, long size, FileMeta meta) throws IOException {
        Path path = child(rel);
        if (writes != null && size <= SMALL_FILE && freshDirs.contains(EntryPaths.parent(rel))
                && !dirs.containsKey(rel) && created.add(rel)) {
            byte[] bytes = content.readNBytes((int) size);
            if (bytes.length < size) {
                throw new UnpackException("truncated content for " + path + ": " + (size - bytes.length) + " bytes missing");
            }
            boolean inheritsGid = dirs.getOrDefault(EntryPaths.parent(rel), false);
            int fileMode = defaults.fileMode();
            writes.submit(rel, () -> {
                try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    out.write(bytes);
                } catch (IOException e) {
                    throw new UnpackException("cannot write " + path + ": " + e, e);
                }
                chownAndChmod(path, meta, fileMode, inheritsGid, true);
                setTimes(path, meta);
            });
            return;
        }
        created.add(rel);
        try (OutputStream out = createNew(rel, path)) {
            long remaining = size;
            while (remaining > 0) {
                // fill the buffer first: fewer, larger write(2) calls than the inflater's small chunks
                int n = content.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n <= 0) {
                    throw new UnpackException("truncated content for " + path + ": " + remaining + " bytes missing");
                }
                out.write(buffer, 0, n);
                remaining -= n;
            }
        }
        finishEntry(rel, path, meta, defaults.fileMode(), false);
    }

    private OutputStream createNew(String rel, Path path) throws IOException {
        try {
            return Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            removeExisting(rel, path);
            return Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    public void symlink(String rel, String target, FileMeta meta) throws IOException {
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new UnpackException("symlink " + child(rel) + " has an empty or invalid target");
        }
        Path path = child(rel);
        created.add(rel);
        Path targetPath = path.getFileSystem().getPath(target);
        try {
            Files.createSymbolicLink(path, targetPath);
        } catch (FileAlreadyExistsException e) {
            removeExisting(rel, path);
            Files.createSymbolicLink(path, targetPath);
        }
        finishEntry(rel, path, meta, -1, true);
    }

    /** Hardlinks {@code rel} to {@code targetRel}, which must already exist in this tree and not be a directory. */
    public void hardlink(String rel, String targetRel) throws IOException {
        if (targetRel.isEmpty() || targetRel.equals(rel)) {
            throw new UnpackException("hardlink " + root.resolve(rel) + " points to itself or the root");
        }
        awaitWrites(); // the target may still be being written
        Path target = existingChild(targetRel);
        created.add(rel);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(target, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            throw new UnpackException("hardlink " + root.resolve(rel) + " -> " + targetRel + ": target is not in the layer");
        }
        if (attrs.isDirectory()) {
            throw new UnpackException("hardlink " + root.resolve(rel) + " -> " + targetRel + ": target is a directory");
        }
        Path path = child(rel);
        try {
            Files.createLink(path, target); // link(2) does not follow a symlink target
        } catch (FileAlreadyExistsException e) {
            removeExisting(rel, path);
            Files.createLink(path, target);
        }
    }

    public void fifo(String rel, FileMeta meta) throws IOException {
        specialFile(rel, 'p', 0, 0, meta);
    }

    /** A character ('c') or block ('b') device. */
    public void device(String rel, char type, long major, long minor, FileMeta meta) throws IOException {
        specialFile(rel, type, major, minor, meta);
    }

    /**
     * A FIFO or device, never opened (see {@link SpecialFiles}): created with its times, then lchown, then chmod(2)
     * by path, after chown, which clears setuid/setgid. chmod(2) does not open the file; it would follow a symlink,
     * but the entry is the node just created in a verified directory, which lstat confirms before the call.
     */
    private void specialFile(String rel, char type, long major, long minor, FileMeta meta) throws IOException {
        Path path = child(rel);
        created.add(rel);
        removeIfPresent(rel, path);
        special.create(rel, type, major, minor, meta.mtime(), meta.accessTime());
        boolean inheritsGid = dirs.getOrDefault(EntryPaths.parent(rel), false);
        chown(path, meta, inheritsGid);
        if (Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW).isSymbolicLink()) {
            throw new UnpackException(path + " was replaced by a symlink while it was being created");
        }
        Files.setAttribute(path, "unix:mode", meta.mode()); // chmod(2); the JDK's NOFOLLOW variant opens the file
    }

    /** Overlay whiteout: a 0:0 character device named {@code rel}, replacing whatever this tree has there. */
    public void whiteout(String rel) throws IOException {
        Path path = child(rel);
        created.add(rel);
        removeIfPresent(rel, path);
        if (whiteoutTemplate == null) {
            whiteoutTemplate = SpecialFiles.newWhiteoutTemplate(root);
        }
        Files.createLink(path, whiteoutTemplate);
    }

    /** Overlay opaque directory: hides the lower layers' content of {@code dirRel}. */
    public void opaque(String dirRel) throws IOException {
        awaitWrites();
        Path dir = existingOrNewDirectory(dirRel);
        xattr(dirRel, dir, "trusted.overlay.opaque", new byte[] {'y'});
    }

    /** Records an xattr for {@code rel}; all are applied by {@link #finish()}, after owners (chown drops caps). */
    public void xattr(String rel, String name, byte[] value) throws IOException {
        xattr(rel, existingChild(rel), name, value);
    }

    private void xattr(String rel, Path path, String name, byte[] value) throws IOException {
        awaitWrites(); // reads the entry's inode, which a write in flight may not have created yet
        Object key = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW).fileKey();
        xattrs.add(new PendingXattr(rel, key, name, value));
    }

    /** Removes whatever is at {@code rel} (recursively, never following symlinks); absent is fine. */
    public void remove(String rel) throws IOException {
        awaitWrites();
        if (rel.isEmpty()) {
            throw new UnpackException("refusing to remove the tree root " + root);
        }
        Path path = existingParentChild(rel);
        if (path != null) {
            removeIfPresent(rel, path);
        }
    }

    /** Empties directory {@code rel} if it exists as a real directory. */
    public void clearDirectory(String rel) throws IOException {
        awaitWrites();
        Path dir = rel.isEmpty() ? root : existingParentChild(rel);
        if (dir == null || !isRealDirectory(dir)) {
            return;
        }
        try (var children = Files.list(dir)) {
            for (Path c : (Iterable<Path>) children::iterator) {
                String childRel = EntryPaths.child(rel, c.getFileName().toString());
                removeIfPresent(childRel, c);
            }
        }
    }

    /** Applies deferred xattrs, then directory times (after all content, since creating entries changes them). */
    public void finish() throws IOException {
        try {
            awaitWrites();
            List<SpecialFiles.Xattr> valid = new ArrayList<>();
            for (PendingXattr x : xattrs) {
                if (!dirs.containsKey(EntryPaths.parent(x.rel())) && !x.rel().isEmpty()) {
                    continue; // its parent was replaced later in the stream
                }
                Path path = x.rel().isEmpty() ? root : root.resolve(x.rel());
                try {
                    Object key = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW).fileKey();
                    if (key.equals(x.fileKey())) {
                        valid.add(new SpecialFiles.Xattr(x.rel(), x.name(), x.value()));
                    }
                } catch (NoSuchFileException replaced) {
                    // removed later in the stream
                }
            }
            special.setXattrs(valid);
            xattrs.clear();
            List<String> byDepth = new ArrayList<>(dirTimes.keySet());
            byDepth.sort(Comparator.comparingInt(String::length).reversed());
            for (String rel : byDepth) {
                if (dirs.containsKey(rel)) {
                    FileMeta meta = dirTimes.get(rel);
                    setTimes(rel.isEmpty() ? root : root.resolve(rel), meta);
                }
            }
            dirTimes.clear();
        } finally {
            closeWrites();
            deleteWhiteoutTemplate();
        }
    }

    private void deleteWhiteoutTemplate() throws IOException {
        if (whiteoutTemplate != null) {
            Files.deleteIfExists(whiteoutTemplate);
            Files.deleteIfExists(whiteoutTemplate.getParent());
            whiteoutTemplate = null;
        }
    }

    /** Releases temporary resources without applying deferred work (after a failure). */
    public void abandon() throws IOException {
        closeWrites();
        deleteWhiteoutTemplate();
    }

    private void awaitWrites() throws IOException {
        if (writes != null) {
            writes.awaitAll();
        }
    }

    private void closeWrites() {
        if (writes != null) {
            writes.close();
        }
    }

    // --- resolution -------------------------------------------------------------------------------------------

    /** Path of {@code rel} after making sure its parents are real directories (created if missing). */
    private Path child(String rel) throws IOException {
        if (rel.isEmpty()) {
            throw new UnpackException("an entry other than a directory would replace the tree root " + root);
        }
        if (writes != null && writes.touches(rel)) {
            writes.awaitAll();
        }
        ensureDirectory(EntryPaths.parent(rel), rel);
        return root.resolve(rel);
    }

    private Path existingOrNewDirectory(String rel) throws IOException {
        ensureDirectory(rel, rel);
        return rel.isEmpty() ? root : root.resolve(rel);
    }

    /** Path of {@code rel} whose parents must already exist as real directories. */
    private Path existingChild(String rel) throws IOException {
        Path path = existingParentChild(rel);
        if (path == null) {
            throw new UnpackException(root.resolve(rel) + ": a parent directory is missing from the tree");
        }
        return path;
    }

    /** Like {@link #existingChild} but null when a parent is missing; symlinked parents are still errors. */
    private Path existingParentChild(String rel) throws IOException {
        String parent = EntryPaths.parent(rel);
        if (!dirs.containsKey(parent)) {
            String[] parts = parent.split("/");
            String prefix = "";
            for (String part : parts) {
                prefix = EntryPaths.child(prefix, part);
                if (dirs.containsKey(prefix)) {
                    continue;
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(root.resolve(prefix), BasicFileAttributes.class, NOFOLLOW);
                } catch (NoSuchFileException e) {
                    return null;
                }
                requireDirectory(prefix, attrs, rel);
                dirs.put(prefix, false);
            }
        }
        return root.resolve(rel);
    }

    /** Makes {@code rel} a verified real directory, creating it (mode 0755, like tar) if absent. */
    private void ensureDirectory(String rel, String forEntry) throws IOException {
        if (dirs.containsKey(rel)) {
            return;
        }
        String parent = EntryPaths.parent(rel);
        ensureDirectory(parent, forEntry);
        Path path = root.resolve(rel);
        try {
            Files.createDirectory(path);
            if (defaults.dirMode() != 0755) {
                Files.setAttribute(path, "unix:mode", 0755, NOFOLLOW);
            }
            dirs.put(rel, dirs.get(parent));
            freshDirs.add(rel);
        } catch (FileAlreadyExistsException e) {
            requireDirectory(rel, Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW), forEntry);
            dirs.put(rel, (mode(path) & 02000) != 0);
        }
    }

    private void requireDirectory(String rel, BasicFileAttributes attrs, String forEntry) throws UnpackException {
        if (!attrs.isDirectory()) {
            throw new UnpackException("parent '" + rel + "' of entry '" + forEntry + "' in " + root + " is "
                    + (attrs.isSymbolicLink() ? "a symlink" : "not a directory") + "; refusing to write through it");
        }
    }

    private boolean isRealDirectory(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW).isDirectory();
    }

    private void removeIfPresent(String rel, Path path) throws IOException {
        try {
            removeExisting(rel, path);
        } catch (NoSuchFileException absent) {
            // nothing to replace
        }
    }

    /** Removes the entry at {@code path}; directories recursively without following symlinks. */
    private void removeExisting(String rel, Path path) throws IOException {
        awaitWrites(); // nothing is removed or replaced while files are being written
        try {
            Files.delete(path);
        } catch (DirectoryNotEmptyException e) {
            FileTrees.deleteTree(path);
        }
        if (dirs.containsKey(rel)) {
            forgetUnder(rel);
        }
        if (!xattrs.isEmpty()) { // inode numbers get reused: the file key check alone is not enough
            String prefix = rel + "/";
            xattrs.removeIf(x -> x.rel().equals(rel) || x.rel().startsWith(prefix));
        }
    }

    private void forgetUnder(String rel) {
        String prefix = rel + "/";
        for (Iterator<String> it = dirs.keySet().iterator(); it.hasNext(); ) {
            String d = it.next();
            if (d.equals(rel) || d.startsWith(prefix)) {
                it.remove();
            }
        }
        dirTimes.keySet().removeIf(d -> d.equals(rel) || d.startsWith(prefix));
        freshDirs.removeIf(d -> d.equals(rel) || d.startsWith(prefix));
    }

    // --- metadata ---------------------------------------------------------------------------------------------

    private void finishEntry(String rel, Path path, FileMeta meta, int createdMode, boolean symlink)
            throws IOException {
        boolean inheritsGid = dirs.getOrDefault(EntryPaths.parent(rel), false);
        chownAndChmod(path, meta, createdMode, inheritsGid, !symlink);
        setTimes(path, meta);
    }

    /** Skips the calls whose result the kernel already gave us (owner = our uid/gid, mode = default mode). */
    private void chownAndChmod(Path path, FileMeta meta, int createdMode, boolean ownerUnknown, boolean hasMode)
            throws IOException {
        boolean chowned = chown(path, meta, ownerUnknown);
        if (hasMode && (chowned || meta.mode() != createdMode)) {
            Files.setAttribute(path, "unix:mode", meta.mode(), NOFOLLOW); // fchmod on an O_NOFOLLOW fd
        }
    }

    /** lchown where the owner may differ from {@code meta}'s; true if it was called. */
    private boolean chown(Path path, FileMeta meta, boolean ownerUnknown) throws IOException {
        boolean chowned = false;
        if (ownerUnknown || meta.uid() != defaults.uid()) {
            Files.setAttribute(path, "unix:uid", meta.uid(), NOFOLLOW);
            chowned = true;
        }
        if (ownerUnknown || meta.gid() != defaults.gid()) {
            Files.setAttribute(path, "unix:gid", meta.gid(), NOFOLLOW);
            chowned = true;
        }
        return chowned;
    }

    private static void setTimes(Path path, FileMeta meta) throws IOException {
        if (meta.mtime() != null) {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(meta.mtime(), meta.accessTime(), null);
        }
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW) & 07777;
    }
}
