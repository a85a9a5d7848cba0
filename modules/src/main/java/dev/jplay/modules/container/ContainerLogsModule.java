package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.launch.JsonLogFiles;
import dev.jplay.runtime.launch.JsonLogLine;
import dev.jplay.runtime.launch.LaunchException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code container_logs}: the json-file records of this host's containers, read from where the caller left off, as
 * {@code docker logs} reads them; {@code jplay logs} (and {@code -f}, by calling it again) is built on it.
 *
 * <p>Arguments: {@code names} (container names, or app names that match their instances {@code APP-<n>...}; none:
 * all), {@code cursors} ({@code {name: {inode, offset, head}}} from the previous answer), for containers without a cursor
 * {@code tail} (last N lines; -1: all) and {@code since} (RFC 3339: older lines are left out), and {@code max_bytes}
 * (about how much to return in all). The answer has per container its {@code lines} (records as written), its new
 * {@code cursor}, {@code more} (the budget ran out) and {@code skipped} (its old file was gone), and {@code now}: every
 * record stamped before it that a container had written is in this answer or a {@code more} one.
 */
public final class ContainerLogsModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("names", "cursors", "tail", "since", "max_bytes");
    static final long DEFAULT_MAX_BYTES = 1L << 20;
    private static final long MIN_SHARE = 16 * 1024;

    @Override
    public String name() {
        return "container_logs";
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        List<String> patterns = args.strings("names");
        Map<String, Object> cursors = args.map("cursors");
        long tail = args.number("tail", -1);
        long maxBytes = Math.max(MIN_SHARE, args.number("max_bytes", DEFAULT_MAX_BYTES));
        Instant since = since(args.string("since", null));
        Instant now = Instant.now(); // before reading: what was stamped before it is on disk now
        ContainerHost host = ContainerHost.of(ctx);
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            List<String> names = host.containerNames().stream().filter(n -> matches(n, patterns)).toList();
            long share = Math.max(MIN_SHARE, maxBytes / Math.max(1, names.size()));
            for (String name : names) {
                out.add(read(name, host.logFiles(name), cursor(cursors.get(name)), tail, since, share));
            }
        } catch (LaunchException e) {
            throw Failures.launch(e);
        } catch (IOException e) {
            throw new ModuleException(Step.INSPECT, "LOGS_UNREADABLE", "container_logs: " + e.getMessage(), e);
        }
        return ModuleResult.ok().msg(out.size() + " container(s)").put("containers", out).put("now", now.toString()).build();
    }

    private static Map<String, Object> read(String name, JsonLogFiles log, JsonLogFiles.Cursor from, long tail, Instant since,
            long budget) throws IOException {
        if (from == null && tail >= 0) from = log.tail((int) Math.min(tail, Integer.MAX_VALUE));
        else if (from == null && since != null) from = log.since(since);
        JsonLogFiles.Chunk chunk = log.read(from, budget);
        List<String> lines = since == null ? chunk.lines()
                : chunk.lines().stream().filter(l -> !JsonLogLine.time(l).isBefore(since)).toList();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("lines", lines);
        c.put("cursor", chunk.cursor() == null ? null : Map.of("inode", chunk.cursor().inode(),
                "offset", chunk.cursor().offset(), "head", chunk.cursor().head()));
        c.put("more", chunk.more());
        c.put("skipped", chunk.skipped());
        return c;
    }

    /** A container name itself, or an app's name: {@code web} matches {@code web-3} and {@code web-3-blue}, not {@code web-api-1}. */
    static boolean matches(String container, List<String> patterns) {
        if (patterns.isEmpty()) return true;
        for (String p : patterns) {
            if (container.equals(p)) return true;
            if (container.length() > p.length() + 1 && container.startsWith(p + "-")
                    && Character.isDigit(container.charAt(p.length() + 1))) return true;
        }
        return false;
    }

    private static JsonLogFiles.Cursor cursor(Object raw) throws ModuleException {
        if (raw == null) return null;
        if (raw instanceof Map<?, ?> m && m.get("inode") instanceof Number inode && m.get("offset") instanceof Number offset
                && m.get("head") instanceof Number head) {
            return new JsonLogFiles.Cursor(inode.longValue(), offset.longValue(), head.longValue());
        }
        throw new ModuleException(Step.ARGS, "ARG_VALUE", "container_logs: a cursor is {inode, offset, head}, got " + raw);
    }

    private static Instant since(String text) throws ModuleException {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "container_logs: since must be an RFC 3339 time, got '" + text + "'");
        }
    }
}
