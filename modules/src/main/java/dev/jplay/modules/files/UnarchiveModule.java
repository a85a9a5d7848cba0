package dev.jplay.modules.files;

import dev.jplay.io.AtomicFiles;
import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * {@code unarchive}: extracts a tar, tar.gz/tgz or zip into the directory {@code dest}. The archive is a file on
 * the host ({@code remote_src: true}, {@code src} a host path) or, by default, on the controller, which sends its
 * bytes ({@code content_b64}). {@code creates}: nothing is done when that path exists. Idempotent: an entry whose
 * file already has the same content, mode and kind is left alone, so changed only when something was written.
 *
 * <p>Confined as the layer unpacker is: entry names are normalized lexically and one that is absolute or climbs
 * out with {@code ..} fails the task ({@code ARCHIVE_ESCAPE}) before anything is written; every parent directory
 * must be a real directory (a symbolic link among the parents fails, it is never followed), a file is written
 * by temp + rename (which replaces a link, never writes through it), and hard links must point inside dest.
 */
public final class UnarchiveModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("src", "content_b64", "remote_src", "dest", "creates", "mode",
            "owner", "group");

    @Override
    public String name() { return "unarchive"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        Path dest = Path.of(args.string("dest")).toAbsolutePath().normalize();
        String creates = args.string("creates", null);
        if (creates != null && Files.exists(Path.of(creates), LinkOption.NOFOLLOW_LINKS)) {
            return ModuleResult.ok().put("dest", dest.toString()).msg("skipped: " + creates + " exists").build();
        }
        if (!Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
            if (ctx.check() && !Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
                // An earlier task of the same run would create it (as copy reports a missing directory).
                return ModuleResult.changed(true).put("dest", dest.toString()).msg("would extract into " + dest
                        + ", which does not exist yet").build();
            }
            throw new ModuleException(Step.EXEC, "DEST_NOT_DIRECTORY", "unarchive: dest " + dest + " is not a directory"
                    + " (it must exist; create it with file: state=directory)");
        }
        FileAttributes attributes = FileAttributes.from(args, name());
        byte[] archive = archive(args);
        ctx.activity().now(Step.EXEC, "extracting into " + dest);
        List<String> written = new ArrayList<>();
        try {
            // Two passes: the first checks every name (an escaping entry fails the task before anything is written)
            // and, in check mode, finds what differs.
            List<String> differ = extract(archive, dest, attributes, false);
            if (!differ.isEmpty() && !ctx.check()) written = extract(archive, dest, attributes, true);
            else written = differ;
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "UNARCHIVE_FAILED", "unarchive: cannot extract into " + dest + ": " + e, e);
        }
        ModuleResult.Builder r = ModuleResult.changed(!written.isEmpty()).put("dest", dest.toString())
                .put("files", written.size() > 200 ? written.subList(0, 200) : written)
                .msg(written.isEmpty() ? "already extracted" : (ctx.check() ? "would write " : "wrote ") + written.size() + " entries");
        if (ctx.diff() && !written.isEmpty()) r.diff("", String.join("\n", written.size() > 200 ? written.subList(0, 200) : written));
        return r.build();
    }

    private static byte[] archive(ModuleArgs args) throws ModuleException {
        if (args.has("content_b64")) {
            try {
                return Base64.getDecoder().decode(args.string("content_b64"));
            } catch (IllegalArgumentException e) {
                throw new ModuleException(Step.ARGS, "ARG_TYPE", "unarchive: content_b64 is not base64");
            }
        }
        if (!args.bool("remote_src", false)) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", "unarchive: src is a controller file (sent as content) unless remote_src: true");
        }
        Path src = Path.of(args.string("src"));
        try {
            return Files.readAllBytes(src);
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "SRC_UNREADABLE", "unarchive: cannot read " + src + " on the host: " + e, e);
        }
    }

    /** Walks the archive; with {@code write} extracts what differs. Returns the entries that differ (were written). */
    static List<String> extract(byte[] archive, Path dest, FileAttributes attributes, boolean write)
            throws IOException, ModuleException {
        List<String> differ = new ArrayList<>();
        Set<String> links = new java.util.HashSet<>();
        try (ArchiveInputStream<? extends ArchiveEntry> in = open(archive)) {
            for (ArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
                String rel = confined(entry.getName());
                if (rel.isEmpty()) continue;
                for (String parent = parentOf(rel); parent != null; parent = parentOf(parent)) {
                    if (links.contains(parent)) throw escape(entry.getName() + "' (under the archive's symbolic link '" + parent);
                }
                Path target = dest.resolve(rel);
                if (write) requireRealParents(dest, target);
                int mode = mode(entry);
                if (entry.isDirectory()) {
                    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        differ.add(rel);
                        if (write) Files.createDirectories(target);
                    }
                    continue;
                }
                if (entry instanceof TarArchiveEntry t && t.isSymbolicLink()) {
                    links.add(rel);
                    boolean same = Files.isSymbolicLink(target) && Files.readSymbolicLink(target).toString().equals(t.getLinkName());
                    if (!same) {
                        differ.add(rel);
                        if (write) {
                            Files.createDirectories(target.getParent());
                            Files.deleteIfExists(target);
                            Files.createSymbolicLink(target, Path.of(t.getLinkName()));
                        }
                    }
                    continue;
                }
                if (entry instanceof TarArchiveEntry t && t.isLink()) {
                    Path linked = dest.resolve(confined(t.getLinkName()));
                    boolean same = Files.exists(target, LinkOption.NOFOLLOW_LINKS) && Files.exists(linked, LinkOption.NOFOLLOW_LINKS)
                            && Files.isSameFile(target, linked);
                    if (!same) {
                        differ.add(rel);
                        if (write) {
                            requireRealParents(dest, linked);
                            Files.deleteIfExists(target);
                            Files.createLink(target, linked);
                        }
                    }
                    continue;
                }
                if (entry instanceof TarArchiveEntry t && !t.isFile()) {
                    throw new ModuleException(Step.EXEC, "ARCHIVE_ENTRY_UNSUPPORTED", "unarchive: entry " + entry.getName()
                            + " is a device or FIFO; unarchive extracts files, directories and links");
                }
                byte[] content = in.readAllBytes();
                FileInfo current = FileInfo.read(target, false);
                boolean same = current.isFile() && current.size() == content.length
                        && Arrays.equals(Files.readAllBytes(target), content)
                        && (mode < 0 || (current.mode() & 07777) == mode) && !attributes.differ(current);
                if (same) continue;
                differ.add(rel);
                if (!write) continue;
                Files.createDirectories(target.getParent());
                AtomicFiles.write(target, content, temp -> {
                    Files.setAttribute(temp, "unix:mode", mode < 0 ? 0644 : mode);
                    attributes.apply(temp);
                });
            }
        }
        return differ;
    }

    private static ArchiveInputStream<? extends ArchiveEntry> open(byte[] archive) throws IOException {
        InputStream raw = new ByteArrayInputStream(archive);
        if (archive.length >= 4 && archive[0] == 'P' && archive[1] == 'K') return new ZipArchiveInputStream(raw);
        if (archive.length >= 2 && (archive[0] & 0xff) == 0x1f && (archive[1] & 0xff) == 0x8b) {
            return new TarArchiveInputStream(new BufferedInputStream(new GZIPInputStream(raw)));
        }
        return new TarArchiveInputStream(raw);
    }

    private static int mode(ArchiveEntry e) {
        if (e instanceof TarArchiveEntry t) return t.getMode() & 07777;
        if (e instanceof ZipArchiveEntry z && z.getUnixMode() != 0) return z.getUnixMode() & 07777;
        return -1;
    }

    /** The entry's path relative to dest, lexically normalized; absolute names and {@code ..} escapes fail. */
    static String confined(String name) throws ModuleException {
        List<String> parts = new ArrayList<>();
        if (name.startsWith("/")) throw escape(name);
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) {
                if (parts.isEmpty()) throw escape(name);
                parts.remove(parts.size() - 1);
            } else {
                parts.add(p);
            }
        }
        return String.join("/", parts);
    }

    private static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? null : rel.substring(0, slash);
    }

    private static ModuleException escape(String name) {
        return new ModuleException(Step.EXEC, "ARCHIVE_ESCAPE", "unarchive: entry '" + name
                + "' would be written outside dest; nothing was extracted from this archive").detail("entry", name);
    }

    /** Every existing directory between dest and target is a real directory: a symbolic link is never followed. */
    private static void requireRealParents(Path dest, Path target) throws ModuleException {
        Path p = dest;
        for (Path part : dest.relativize(target.getParent() == null ? dest : target.getParent())) {
            if (part.toString().isEmpty()) continue;
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                throw new ModuleException(Step.EXEC, "ARCHIVE_ESCAPE", "unarchive: " + p + " is a symbolic link; "
                        + "entries under it are not written through it").detail("path", p.toString());
            }
        }
    }
}
