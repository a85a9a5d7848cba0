package dev.jplay.modules.files;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code blockinfile}: ensures a block of lines between two marker lines ({@code marker} with {@code {mark}}
 * replaced by {@code marker_begin}/{@code marker_end}) is in a text file, replacing the block between existing
 * markers, or (state absent, or an empty block) removing it with its markers. A new block goes after/before the
 * last line matching {@code insertafter}/{@code insertbefore} ({@code EOF}/{@code BOF}; at the end by default or
 * when the pattern matches nothing). Ported from Ansible's module.
 */
public final class BlockInFileModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("path", "dest", "destfile", "name", "state", "marker", "block",
            "content", "insertafter", "insertbefore", "create", "backup", "marker_begin", "marker_end", "mode",
            "owner", "group", "validate");

    @Override
    public String name() { return "blockinfile"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String state = args.string("state", "present");
        if (!state.equals("present") && !state.equals("absent")) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "blockinfile: state must be present or absent, got '" + state + "'");
        }
        String insertAfter = args.string("insertafter", null);
        String insertBefore = args.string("insertbefore", null);
        if (insertAfter != null && insertBefore != null) {
            throw new ModuleException(Step.ARGS, "ARG_CONFLICT", "blockinfile: insertafter and insertbefore are mutually exclusive");
        }
        String marker = args.string("marker", "# {mark} ANSIBLE MANAGED BLOCK");
        Validation validate = Validation.from(args, name());
        String block = args.has("block") ? args.string("block") : args.string("content", "");
        boolean present = state.equals("present");
        TextFileEdit edit = TextFileEdit.open(name(), TextFileEdit.pathArg(args, name()), args.bool("create", false),
                present, FileAttributes.from(args, name()));
        if (!present && !edit.exists()) {
            return ModuleResult.ok().put("path", edit.path.toString()).msg("File " + edit.path + " not present").build();
        }
        ctx.activity().now(Step.EXEC, "editing " + edit.path);
        String begin = marker.replace("{mark}", args.string("marker_begin", "BEGIN"));
        String end = marker.replace("{mark}", args.string("marker_end", "END"));
        String after = apply(edit.lines(), present ? block : "", begin, end, insertAfter, insertBefore);
        String msg = !edit.exists() ? "File created" : present && !block.isEmpty() ? "Block inserted" : "Block removed";
        return edit.finish(after, msg, args.bool("backup", false), validate, ctx).build();
    }

    /** The file's new content: {@code block} (empty: none) between the markers, placed as Ansible places it. */
    static String apply(List<String> input, String block, String beginMarker, String endMarker, String insertAfter,
                        String insertBefore) throws ModuleException {
        List<String> lines = new ArrayList<>(input);
        String begin = beginMarker + "\n";
        String end = endMarker + "\n";
        if (insertAfter == null && insertBefore == null) insertAfter = "EOF";
        Pattern insertRe = insertAfter != null && !insertAfter.equals("EOF")
                ? LineInFileModule.compile("blockinfile", "insertafter", insertAfter)
                : insertBefore != null && !insertBefore.equals("BOF")
                ? LineInFileModule.compile("blockinfile", "insertbefore", insertBefore) : null;
        List<String> blockLines = new ArrayList<>();
        if (!block.isEmpty()) {
            blockLines.add(begin);
            blockLines.addAll(TextFileEdit.splitKeepingEnds(block.endsWith("\n") ? block : block + "\n"));
            blockLines.add(end);
        }
        int n0 = -1;
        int n1 = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals(begin)) n0 = i;
            if (lines.get(i).equals(end)) n1 = i;
        }
        int at;
        if (n0 == -1 || n1 == -1) {
            if (insertRe != null) {
                at = -1;
                for (int i = 0; i < lines.size(); i++) if (insertRe.matcher(lines.get(i)).find()) at = i;
                if (at == -1) at = lines.size();
                else if (insertAfter != null) at++;
            } else {
                at = insertBefore != null ? 0 : lines.size();
            }
        } else if (n0 < n1) {
            lines.subList(n0, n1 + 1).clear();
            at = n0;
        } else {
            lines.subList(n1, n0 + 1).clear();
            at = n1;
        }
        if (at > 0 && !lines.get(at - 1).endsWith("\n")) lines.set(at - 1, lines.get(at - 1) + "\n");
        lines.addAll(at, blockLines);
        return String.join("", lines);
    }
}
