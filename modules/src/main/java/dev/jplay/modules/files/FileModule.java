package dev.jplay.modules.files;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.fs.FileTrees;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code file}: makes {@code path} a file, directory, symbolic or hard link, or absent, with the given
 * mode/owner/group. Never follows symbolic links when removing or recursing.
 */
public final class FileModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("path", "dest", "name", "state", "mode", "owner", "group", "src",
            "recurse", "force");
    private static final Set<String> STATES = Set.of("file", "directory", "absent", "touch", "link", "hard");

    @Override
    public String name() { return "file"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        Path path = Path.of(pathArg(args)).toAbsolutePath();
        FileAttributes attributes = FileAttributes.from(args, name());
        boolean force = args.bool("force", false);
        boolean recurse = args.bool("recurse", false);
        String src = args.string("src", null);
        ctx.activity().now(Step.EXEC, "file: " + args.string("state", "file") + " " + path + (recurse ? " (recurse)" : ""));
        try {
            FileInfo before = FileInfo.read(path, false);
            String state = args.string("state", before.isDirectory() ? "directory" : "file");
            if (!STATES.contains(state)) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", "file: argument 'state' must be one of "
                        + String.join(", ", new java.util.TreeSet<>(STATES)) + ", got '" + state + "'");
            }
            if ((state.equals("link") || state.equals("hard")) == (src == null)) {
                throw new ModuleException(Step.ARGS, src == null ? "ARG_MISSING" : "ARG_UNKNOWN", src == null
                        ? "file: argument 'src' is required for state=" + state
                        : "file: argument 'src' is only for state=link or state=hard");
            }
            if (recurse && !state.equals("directory")) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", "file: argument 'recurse' needs state=directory");
            }
            Change change = switch (state) {
                case "absent" -> absent(path, before, ctx);
                case "directory" -> directory(path, before, attributes, recurse, ctx);
                case "touch" -> touch(path, before, attributes, ctx);
                case "link" -> link(path, before, Path.of(src), force, attributes, ctx);
                case "hard" -> hard(path, before, Path.of(src), force, attributes, ctx);
                default -> file(path, before, attributes, ctx);
            };
            FileInfo after = ctx.check() ? null : FileInfo.read(path, false);
            ModuleResult.Builder result = ModuleResult.changed(change.changed).put("path", path.toString())
                    .put("state", after == null ? state : after.state());
            if (after != null && after.exists()) {
                result.put("mode", FileMode.format(after.mode())).put("owner", after.owner())
                        .put("group", after.group()).put("uid", after.uid()).put("gid", after.gid())
                        .put("size", after.size());
                if (after.isLink()) result.put("src", after.linkTarget().toString());
            }
            if (ctx.diff() && change.changed) result.diff(before.summary(), change.expected);
            return result.build();
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "FILE_FAILED", "file: cannot change " + path + ": " + e, e);
        }
    }

    private record Change(boolean changed, Object expected) {}

    private static String pathArg(ModuleArgs args) throws ModuleException {
        for (String alias : List.of("path", "dest", "name")) {
            if (args.has(alias)) return args.string(alias);
        }
        return args.string("path");
    }

    private Change file(Path path, FileInfo before, FileAttributes attributes, ModuleContext ctx)
            throws ModuleException {
        if (!before.exists()) {
            throw new ModuleException(Step.EXEC, "FILE_MISSING", "file: " + path
                    + " does not exist; use state=touch to create it, or copy to give it content");
        }
        if (before.isDirectory()) {
            throw new ModuleException(Step.EXEC, "WRONG_TYPE", "file: " + path + " is a directory, not a file");
        }
        return attributesOnly(path, before, attributes, ctx);
    }

    private Change attributesOnly(Path path, FileInfo before, FileAttributes attributes, ModuleContext ctx)
            throws ModuleException {
        boolean changed = attributes.differ(before);
        if (changed && !ctx.check()) attributes.apply(path);
        return new Change(changed, attributes.expected(before));
    }

    private Change absent(Path path, FileInfo before, ModuleContext ctx) throws IOException {
        if (!before.exists()) return new Change(false, null);
        if (!ctx.check()) FileTrees.deleteTree(path);
        return new Change(true, java.util.Map.of("path", path.toString(), "state", "absent"));
    }

    private Change directory(Path path, FileInfo before, FileAttributes attributes, boolean recurse,
                             ModuleContext ctx) throws ModuleException, IOException {
        if (before.exists() && !before.isDirectory()) {
            throw new ModuleException(Step.EXEC, "WRONG_TYPE", "file: " + path + " exists and is a " + before.state()
                    + ", not a directory");
        }
        List<Path> below = recurse && before.exists() ? treeBelow(path) : List.of();
        boolean changed = !before.exists() || attributes.differ(before);
        for (Path p : below) changed |= attributes.differ(FileInfo.read(p, false));
        if (changed && !ctx.check()) {
            if (!before.exists()) createDirectories(path, attributes);
            attributes.apply(path);
            for (Path p : below) attributes.apply(p);
        }
        java.util.Map<String, Object> expected = attributes.expected(before);
        expected.put("state", "directory");
        return new Change(changed, expected);
    }

    /** Creates missing parents too; every directory created gets the requested attributes, as Ansible does. */
    private static void createDirectories(Path path, FileAttributes attributes) throws IOException, ModuleException {
        List<Path> missing = new ArrayList<>();
        for (Path p = path; p != null && !Files.exists(p); p = p.getParent()) missing.add(0, p);
        for (Path p : missing) {
            Files.createDirectory(p);
            attributes.apply(p);
        }
    }

    private Change touch(Path path, FileInfo before, FileAttributes attributes, ModuleContext ctx)
            throws ModuleException, IOException {
        if (!ctx.check()) {
            if (before.exists()) {
                Files.setLastModifiedTime(path, FileTime.fromMillis(System.currentTimeMillis()));
            } else {
                Files.createFile(path);
                Files.setAttribute(path, "unix:mode", 0644);
            }
            attributes.apply(path);
        }
        java.util.Map<String, Object> expected = attributes.expected(before);
        expected.put("state", before.exists() ? before.state() : "file");
        // Like Ansible: touching always changes the timestamps.
        return new Change(true, expected);
    }

    private Change link(Path path, FileInfo before, Path src, boolean force, FileAttributes attributes,
                        ModuleContext ctx) throws ModuleException, IOException {
        if (before.isLink() && before.linkTarget().equals(src)) return attributesOnly(path, before, attributes, ctx);
        Path resolved = path.resolveSibling(src);
        // In check mode an earlier task may be about to create src: report the link as new instead of failing.
        if (!force && !ctx.check() && !Files.exists(resolved)) {
            throw new ModuleException(Step.EXEC, "SRC_MISSING", "file: src " + src + " of link " + path
                    + " does not exist (force=true links anyway)");
        }
        replaceable(path, before, force);
        if (!ctx.check()) {
            Path temp = path.resolveSibling("." + path.getFileName() + ".jplay-link-" + ProcessHandle.current().pid());
            Files.deleteIfExists(temp);
            Files.createSymbolicLink(temp, src);
            if (before.isDirectory()) FileTrees.deleteTree(path);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            attributes.apply(path);
        }
        return new Change(true, java.util.Map.of("path", path.toString(), "state", "link", "src", src.toString()));
    }

    private Change hard(Path path, FileInfo before, Path src, boolean force, FileAttributes attributes,
                        ModuleContext ctx) throws ModuleException, IOException {
        Path target = path.resolveSibling(src);
        if (!Files.exists(target) && ctx.check()) {
            return new Change(true, java.util.Map.of("path", path.toString(), "state", "hard", "src", src.toString()));
        }
        if (!Files.exists(target)) {
            throw new ModuleException(Step.EXEC, "SRC_MISSING", "file: src " + src + " of hard link " + path
                    + " does not exist");
        }
        if (before.exists() && Files.isSameFile(path, target) && !before.isLink()) {
            return attributesOnly(path, before, attributes, ctx);
        }
        replaceable(path, before, force);
        if (!ctx.check()) {
            Path temp = path.resolveSibling("." + path.getFileName() + ".jplay-hard-" + ProcessHandle.current().pid());
            Files.deleteIfExists(temp);
            Files.createLink(temp, target);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            attributes.apply(path);
        }
        return new Change(true, java.util.Map.of("path", path.toString(), "state", "hard", "src", src.toString()));
    }

    /** A link may replace another link; replacing a file or an empty directory needs force; a full directory, never. */
    private static void replaceable(Path path, FileInfo before, boolean force) throws ModuleException, IOException {
        if (!before.exists() || before.isLink()) return;
        if (!force) {
            throw new ModuleException(Step.EXEC, "DEST_EXISTS", "file: " + path + " exists and is a " + before.state()
                    + "; set force=true to replace it with a link");
        }
        if (before.isDirectory()) {
            try (Stream<Path> s = Files.list(path)) {
                if (s.findAny().isPresent()) {
                    throw new ModuleException(Step.EXEC, "DEST_EXISTS", "file: " + path
                            + " is a non-empty directory; it is not replaced by a link even with force=true");
                }
            }
        }
    }

    private static List<Path> treeBelow(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (!d.equals(dir)) out.add(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (!attrs.isSymbolicLink()) out.add(f);
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }
}
