package dev.jplay.modules.files;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The part {@code lineinfile} and {@code blockinfile} share: read a text file as lines (each keeping its line
 * end), and once the module has computed the new lines, report the change (with {@code --diff} the whole
 * content before and after), and outside check mode back it up, write it atomically ({@link AtomicFileWriter})
 * and set {@code mode}/{@code owner}/{@code group} ({@link FileAttributes}). A {@code path} that is a symbolic
 * link is edited through.
 */
final class TextFileEdit {
    final String module;
    final Path path;
    final FileInfo before;
    final String original;
    final FileAttributes attributes;

    private TextFileEdit(String module, Path path, FileInfo before, String original, FileAttributes attributes) {
        this.module = module;
        this.path = path;
        this.before = before;
        this.original = original;
        this.attributes = attributes;
    }

    /** Ansible's {@code path} (aliases {@code dest}, {@code destfile}, {@code name}). */
    static String pathArg(ModuleArgs args, String module) throws ModuleException {
        for (String alias : List.of("path", "dest", "destfile", "name")) {
            if (args.has(alias)) return args.string(alias);
        }
        throw new ModuleException(Step.ARGS, "ARG_MISSING", module + ": argument 'path' is required");
    }

    /** Opens {@code pathArg}; a missing file reads as empty when {@code create}, else fails ({@code PATH_MISSING}). */
    static TextFileEdit open(String module, String pathArg, boolean create, boolean mustExist, FileAttributes attributes)
            throws ModuleException {
        Path path = Path.of(pathArg).toAbsolutePath();
        try {
            if (Files.isSymbolicLink(path) && Files.exists(path)) path = path.toRealPath();
            if (Files.isDirectory(path)) {
                throw new ModuleException(Step.ARGS, "PATH_IS_DIRECTORY", module + ": path " + path + " is a directory");
            }
            FileInfo before = FileInfo.read(path, false);
            if (!before.exists() && mustExist && !create) {
                throw new ModuleException(Step.EXEC, "PATH_MISSING", module + ": " + path
                        + " does not exist (add create: true to create it)").detail("path", path.toString());
            }
            String text = before.exists() ? Files.readString(path, StandardCharsets.UTF_8) : null;
            return new TextFileEdit(module, path, before, text, attributes);
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "READ_FAILED", module + ": cannot read " + path + ": " + e, e);
        }
    }

    boolean exists() { return original != null; }

    /** The lines, each with its line end (the last may have none), like Python's {@code splitlines(True)}. */
    List<String> lines() {
        return splitKeepingEnds(original == null ? "" : original);
    }

    static List<String> splitKeepingEnds(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }

    static String stripEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) end--;
        return line.substring(0, end);
    }

    /**
     * Finishes the edit: {@code after} is the new content (null: leave the content alone). Changed when the
     * content or the attributes differ; nothing is written in check mode.
     */
    ModuleResult.Builder finish(String after, String msg, boolean backup, ModuleContext ctx) throws ModuleException {
        return finish(after, msg, backup, null, ctx);
    }

    /** As above, with {@code validate} (may be null) run on the new content's temp file before it replaces the file. */
    ModuleResult.Builder finish(String after, String msg, boolean backup, Validation validate, ModuleContext ctx)
            throws ModuleException {
        boolean contentChanges = after != null && !after.equals(original);
        boolean attributesChange = attributes.differ(before)
                && (before.exists() || contentChanges); // attributes of a file that stays absent: nothing to set
        boolean changed = contentChanges || attributesChange;
        ModuleResult.Builder result = ModuleResult.changed(changed).put("path", path.toString());
        if (ctx.diff() && contentChanges) result.diff(original == null ? "" : original, after);
        else if (ctx.diff() && attributesChange) result.diff(before.summary(), attributes.expected(before));
        String message = contentChanges ? msg : attributesChange ? "attributes changed" : "";
        if (contentChanges && attributesChange) message += " and attributes changed";
        result.msg(message);
        if (!changed || ctx.check()) return result;
        try {
            if (contentChanges) {
                if (!Files.isDirectory(path.getParent())) Files.createDirectories(path.getParent());
                if (backup && before.exists()) result.put("backup", CopyModule.backup(path).toString());
                byte[] bytes = after.getBytes(StandardCharsets.UTF_8);
                Path target = path;
                AtomicFileWriter.write(module, path, out -> out.write(bytes), attributes, before,
                        temp -> { if (validate != null) validate.check(temp, target, ctx); });
            } else {
                attributes.apply(path);
            }
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "WRITE_FAILED", module + ": cannot write " + path + ": " + e, e);
        }
        return result;
    }
}
