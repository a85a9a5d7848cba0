package dev.jplay.modules.files;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Set;

/**
 * {@code copy}: puts given bytes at {@code dest}. The controller sends {@code content} (text) or
 * {@code content_b64} (the bytes of a {@code src} file or a rendered template). Idempotent by SHA-256 and
 * attributes; writes are atomic ({@link AtomicFileWriter}). A {@code dest} that is a symbolic link is written
 * through (the link target is replaced). {@code validate} ({@link Validation}) checks the new content in its temp
 * file before the rename, so copy and template keep a config a daemon would refuse out, as Ansible's do.
 */
public final class CopyModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("dest", "content", "content_b64", "mode", "owner", "group",
            "backup", "force", "validate");
    private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss");

    @Override
    public String name() { return "copy"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String destArg = args.string("dest");
        byte[] content = content(args);
        FileAttributes attributes = FileAttributes.from(args, name());
        boolean backup = args.bool("backup", false);
        boolean force = args.bool("force", true);
        Validation validate = Validation.from(args, name());
        Path dest = Path.of(destArg);
        if (destArg.endsWith("/") || Files.isDirectory(dest)) {
            throw new ModuleException(Step.ARGS, "DEST_IS_DIRECTORY", "copy: dest '" + destArg
                    + "' is a directory; give the full file name in dest (copy sends content, not a named file)");
        }
        ctx.activity().now(Step.EXEC, "copying " + content.length + " bytes to " + dest);
        try {
            dest = dest.toAbsolutePath();
            if (Files.isSymbolicLink(dest) && Files.exists(dest)) dest = dest.toRealPath();
            if (!Files.isDirectory(dest.getParent())) {
                if (ctx.check()) {
                    // An earlier task of the same run would create the directory: in check mode, report the file as new.
                    ModuleResult.Builder wouldCreate = ModuleResult.changed(true).put("dest", dest.toString())
                            .put("checksum", Sha256.of(content)).put("size", (long) content.length)
                            .msg("directory " + dest.getParent() + " does not exist yet");
                    if (ctx.diff()) wouldCreate.diff(DiffText.of(null), DiffText.of(content));
                    return wouldCreate.build();
                }
                throw new ModuleException(Step.EXEC, "DEST_DIR_MISSING", "copy: directory " + dest.getParent()
                        + " of dest does not exist");
            }
            FileInfo before = FileInfo.read(dest, false);
            if (before.exists() && !before.isFile()) {
                throw new ModuleException(Step.EXEC, "DEST_NOT_FILE", "copy: dest " + dest + " exists and is a "
                        + before.state() + ", not a regular file");
            }
            String checksum = Sha256.of(content);
            boolean contentChanges = !before.exists() || (force && !checksum.equals(Sha256.of(dest)));
            boolean attributesChange = before.exists() && attributes.differ(before);
            boolean changed = contentChanges || attributesChange;

            ModuleResult.Builder result = ModuleResult.changed(changed);
            if (ctx.diff() && changed) {
                byte[] old = before.exists() && contentChanges ? Files.readAllBytes(dest) : null;
                if (contentChanges) {
                    result.diff(DiffText.of(old), DiffText.of(content));
                } else {
                    result.diff(before.summary(), attributes.expected(before));
                }
            }
            if (changed && !ctx.check()) {
                if (contentChanges) {
                    if (backup && before.exists()) result.put("backup_file", backup(dest).toString());
                    Path target = dest;
                    AtomicFileWriter.write(name(), dest, out -> out.write(content), attributes, before,
                            temp -> { if (validate != null) validate.check(temp, target, ctx); });
                } else {
                    attributes.apply(dest);
                }
            }
            FileInfo after = ctx.check() ? before : FileInfo.read(dest, false);
            result.put("dest", dest.toString()).put("checksum", checksum).put("size", (long) content.length);
            if (after.exists()) {
                result.put("mode", FileMode.format(after.mode())).put("owner", after.owner())
                        .put("group", after.group()).put("uid", after.uid()).put("gid", after.gid());
            }
            return result.build();
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "COPY_FAILED", "copy: cannot read or write " + dest + ": " + e, e);
        }
    }

    private byte[] content(ModuleArgs args) throws ModuleException {
        boolean text = args.has("content");
        boolean b64 = args.has("content_b64");
        if (text == b64) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING",
                    "copy: exactly one of 'content' or 'content_b64' is required" + (text ? " (both given)" : ""));
        }
        if (text) return args.string("content").getBytes(StandardCharsets.UTF_8);
        try {
            return Base64.getDecoder().decode(args.string("content_b64"));
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_TYPE", "copy: argument 'content_b64' is not valid base64: "
                    + e.getMessage());
        }
    }

    /** A copy beside {@code dest} named as Ansible names its backups ({@code NAME.PID.STAMP~}). */
    static Path backup(Path dest) throws IOException {
        Path copy = dest.resolveSibling(dest.getFileName() + "." + ProcessHandle.current().pid() + "."
                + LocalDateTime.now().format(BACKUP_STAMP) + "~");
        Files.copy(dest, copy, StandardCopyOption.COPY_ATTRIBUTES);
        return copy;
    }
}
