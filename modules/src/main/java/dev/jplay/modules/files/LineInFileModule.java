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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code lineinfile}: ensures one line is in a text file (or, with {@code state: absent}, that no line matching
 * is). Ansible's semantics, ported from its module: {@code regexp} (or {@code search_string}) selects the line to
 * replace, the last match unless {@code firstmatch}; without a match the exact {@code line} counts as present,
 * else it is inserted after/before the last line matching {@code insertafter}/{@code insertbefore} (or at
 * {@code EOF}/{@code BOF}; at the end when that pattern matches nothing). {@code backrefs} expands {@code \1} from
 * the match and changes nothing when there is none. Regular expressions are Java's, which agree with Python's for
 * what these patterns use (anchors, classes, groups).
 */
public final class LineInFileModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("path", "dest", "destfile", "name", "line", "value", "regexp",
            "regex", "search_string", "state", "insertafter", "insertbefore", "create", "backup", "backrefs",
            "firstmatch", "mode", "owner", "group", "validate");

    @Override
    public String name() { return "lineinfile"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String state = args.string("state", "present");
        if (!state.equals("present") && !state.equals("absent")) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "lineinfile: state must be present or absent, got '" + state + "'");
        }
        Pattern regexp = pattern(args, args.has("regexp") ? "regexp" : "regex");
        String search = args.string("search_string", null);
        String line = args.has("line") ? args.string("line") : args.string("value", null);
        String insertAfter = args.string("insertafter", null);
        String insertBefore = args.string("insertbefore", null);
        boolean backrefs = args.bool("backrefs", false);
        if (regexp != null && search != null) conflict("regexp", "search_string");
        if (insertAfter != null && insertBefore != null) conflict("insertafter", "insertbefore");
        if (backrefs && regexp == null) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", "lineinfile: backrefs needs regexp");
        }
        if (state.equals("present") && line == null) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", "lineinfile: state=present needs 'line'");
        }
        if (state.equals("absent") && line == null && regexp == null && search == null) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", "lineinfile: state=absent needs one of line, regexp, search_string");
        }
        FileAttributes attributes = FileAttributes.from(args, name());
        Validation validate = Validation.from(args, name());
        TextFileEdit edit = TextFileEdit.open(name(), TextFileEdit.pathArg(args, name()), args.bool("create", false),
                state.equals("present"), attributes);
        ctx.activity().now(Step.EXEC, "editing " + edit.path);
        if (state.equals("absent")) {
            if (!edit.exists()) return ModuleResult.ok().put("path", edit.path.toString()).put("found", 0).msg("file not present").build();
            List<String> kept = new ArrayList<>();
            int found = 0;
            for (String l : edit.lines()) {
                boolean match = regexp != null ? regexp.matcher(l).find()
                        : search != null ? l.contains(search) : TextFileEdit.stripEnd(l).equals(line);
                if (match) found++;
                else kept.add(l);
            }
            String after = found == 0 ? null : String.join("", kept);
            return edit.finish(after, found + " line(s) removed", args.bool("backup", false), validate, ctx).put("found", found).build();
        }
        Present p = present(edit.lines(), regexp, search, line, insertAfter, insertBefore, backrefs,
                args.bool("firstmatch", false));
        return edit.finish(p.changed ? String.join("", p.lines) : null, p.msg, args.bool("backup", false), validate, ctx).build();
    }

    record Present(List<String> lines, boolean changed, String msg) {}

    /** Ansible's {@code present()}: the new lines for {@code state: present}. */
    static Present present(List<String> input, Pattern regexp, String search, String line, String insertAfter,
                           String insertBefore, boolean backrefs, boolean firstMatch) throws ModuleException {
        List<String> lines = new ArrayList<>(input);
        Pattern insertRe = insertAfter != null && !insertAfter.equals("BOF") && !insertAfter.equals("EOF")
                ? compile("insertafter", insertAfter)
                : insertBefore != null && !insertBefore.equals("BOF") ? compile("insertbefore", insertBefore) : null;
        int matchIndex = -1;
        int insertIndex = -1;
        Matcher match = null;
        for (int i = 0; i < lines.size() && (regexp != null || search != null); i++) {
            Matcher m = regexp != null ? regexp.matcher(lines.get(i)) : null;
            if (m != null ? m.find() : lines.get(i).contains(search)) {
                matchIndex = i;
                match = m;
                if (firstMatch) break;
            }
        }
        boolean matched = matchIndex != -1;
        if (!matched) {
            for (int i = 0; i < lines.size(); i++) {
                if (TextFileEdit.stripEnd(lines.get(i)).equals(line)) {
                    matchIndex = i;
                } else if (insertRe != null && insertRe.matcher(lines.get(i)).find()) {
                    insertIndex = insertAfter != null ? i + 1 : i;
                    if (firstMatch) break;
                }
            }
        }
        String nl = "\n";
        if (matchIndex != -1) {
            String newLine = backrefs && match != null ? expand(match, line) : line;
            if (!newLine.endsWith(nl)) newLine += nl;
            if (!lines.get(matchIndex).equals(newLine)) {
                lines.set(matchIndex, newLine);
                return new Present(lines, true, "line replaced");
            }
            return new Present(lines, false, "");
        }
        if (backrefs) return new Present(lines, false, ""); // no match: nothing safe to write
        if ("BOF".equals(insertBefore) || "BOF".equals(insertAfter)) {
            lines.add(0, line + nl);
        } else if ("EOF".equals(insertAfter) || insertIndex == -1) {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).endsWith(nl)) lines.add(nl);
            lines.add(line + nl);
        } else if (insertAfter != null) {
            if (insertIndex == lines.size()) {
                if (TextFileEdit.stripEnd(lines.get(insertIndex - 1)).equals(line)) return new Present(lines, false, "");
                if (!lines.get(insertIndex - 1).endsWith(nl)) lines.set(insertIndex - 1, lines.get(insertIndex - 1) + nl);
                lines.add(line + nl);
            } else if (!TextFileEdit.stripEnd(lines.get(insertIndex)).equals(line)) {
                lines.add(insertIndex, line + nl);
            } else {
                return new Present(lines, false, "");
            }
        } else {
            lines.add(insertIndex, line + nl);
        }
        return new Present(lines, true, "line added");
    }

    /** Python's {@code match.expand}: {@code \1}..{@code \9} and {@code \g<name>} from the regexp's match. */
    static String expand(Matcher m, String template) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\' && i + 1 < template.length()) {
                char n = template.charAt(i + 1);
                if (Character.isDigit(n)) {
                    int g = n - '0';
                    String v = g <= m.groupCount() ? m.group(g) : null;
                    out.append(v == null ? "" : v);
                    i++;
                    continue;
                }
                if (n == 'g' && i + 2 < template.length() && template.charAt(i + 2) == '<') {
                    int close = template.indexOf('>', i + 3);
                    if (close > 0) {
                        String g = template.substring(i + 3, close);
                        String v = g.chars().allMatch(Character::isDigit) ? m.group(Integer.parseInt(g)) : m.group(g);
                        out.append(v == null ? "" : v);
                        i = close;
                        continue;
                    }
                }
                if (n == '\\') {
                    out.append('\\');
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static Pattern pattern(ModuleArgs args, String name) throws ModuleException {
        String re = args.string(name, null);
        return re == null ? null : compile(name, re);
    }

    static Pattern compile(String arg, String re) throws ModuleException {
        return compile("lineinfile", arg, re);
    }

    static Pattern compile(String module, String arg, String re) throws ModuleException {
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw new ModuleException(Step.ARGS, "ARG_REGEX", module + ": " + arg + " is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex() + " in '" + re + "'");
        }
    }

    private static void conflict(String a, String b) throws ModuleException {
        throw new ModuleException(Step.ARGS, "ARG_CONFLICT", "lineinfile: " + a + " and " + b + " are mutually exclusive");
    }
}
