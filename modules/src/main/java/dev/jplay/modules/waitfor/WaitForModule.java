package dev.jplay.modules.waitfor;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code wait_for}: polls until a TCP port accepts (started) or refuses (stopped) connections, or a file
 * appears (present, optionally containing {@code search_regex}) or disappears (absent). Times in seconds;
 * fractions allowed.
 */
public final class WaitForModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("port", "host", "path", "state", "timeout", "delay", "sleep",
            "search_regex", "connect_timeout");

    @Override
    public String name() { return "wait_for"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        if (args.has("port") == args.has("path")) {
            throw new ModuleException(Step.ARGS, args.has("port") ? "ARG_CONFLICT" : "ARG_MISSING",
                    "wait_for: give exactly one of 'port' or 'path'");
        }
        String state = args.string("state", "started");
        if (!Set.of("started", "stopped", "present", "absent").contains(state)) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "wait_for: argument 'state' must be started, stopped,"
                    + " present or absent, got '" + state + "'");
        }
        boolean wantPresent = state.equals("started") || state.equals("present");
        long timeoutMs = millis(args, "timeout", 300);
        if (ctx.timeout() != null) timeoutMs = Math.min(timeoutMs, ctx.timeout().toMillis());
        long delayMs = millis(args, "delay", 0);
        long sleepMs = Math.max(1, millis(args, "sleep", 1));
        Condition condition;
        String what;
        if (args.has("port")) {
            if (args.has("search_regex")) {
                throw new ModuleException(Step.ARGS, "ARG_UNSUPPORTED", "wait_for: 'search_regex' works only with 'path'");
            }
            long port = args.number("port", 0);
            if (port < 1 || port > 65535) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", "wait_for: argument 'port' must be 1-65535, got " + port);
            }
            String host = args.string("host", "127.0.0.1");
            int connectTimeout = (int) Math.max(1, millis(args, "connect_timeout", 5));
            what = host + ":" + port;
            condition = () -> portOpen(host, (int) port, connectTimeout) == wantPresent ? List.of() : null;
        } else {
            Path path = Path.of(args.string("path"));
            Pattern regex = regex(args.string("search_regex", null));
            if (regex != null && !wantPresent) {
                throw new ModuleException(Step.ARGS, "ARG_UNSUPPORTED", "wait_for: 'search_regex' needs state=present");
            }
            what = path + (regex == null ? "" : " containing /" + regex.pattern() + "/");
            condition = () -> wantPresent ? fileMatches(path, regex) : Files.exists(path) ? null : List.of();
        }
        long start = System.nanoTime();
        ctx.activity().now(Step.EXEC, "waiting for " + what + " to be " + state);
        try {
            Thread.sleep(delayMs);
            while (true) {
                List<String> groups = condition.check();
                if (groups != null) {
                    return ModuleResult.ok().put("state", state).put("elapsed", elapsedSeconds(start))
                            .put("match_groups", groups).build();
                }
                long left = timeoutMs - (System.nanoTime() - start) / 1_000_000;
                if (left <= 0) break;
                Thread.sleep(Math.min(sleepMs, left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Step.EXEC, "INTERRUPTED", "wait_for: interrupted while waiting for " + what);
        }
        throw new ModuleException(Step.EXEC, "TIMEOUT", "wait_for: timeout after " + timeoutMs + " ms waiting for "
                + what + " to be " + state).detail("state", state).detail("elapsed", elapsedSeconds(start));
    }

    /** Returns the regex groups (possibly empty) when satisfied, null when not yet. */
    private interface Condition {
        List<String> check();
    }

    private static boolean portOpen(String host, int port, int connectTimeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> fileMatches(Path path, Pattern regex) {
        if (!Files.isReadable(path)) return null;
        if (regex == null) return List.of();
        try {
            Matcher m = regex.matcher(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
            if (!m.find()) return null;
            List<String> groups = new ArrayList<>();
            for (int i = 1; i <= m.groupCount(); i++) groups.add(m.group(i));
            return groups;
        } catch (IOException e) {
            return null; // vanished or unreadable between checks: try again
        }
    }

    private static Pattern regex(String s) throws ModuleException {
        if (s == null) return null;
        try {
            return Pattern.compile(s, Pattern.MULTILINE);
        } catch (PatternSyntaxException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "wait_for: argument 'search_regex' is not a valid regex: "
                    + e.getDescription());
        }
    }

    private static double elapsedSeconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e6) / 1000.0;
    }

    /** Seconds (a number or numeric string, fractions allowed) as milliseconds. */
    private static long millis(ModuleArgs args, String name, double dflt) throws ModuleException {
        Object v = args.raw().get(name);
        if (v == null) return (long) (dflt * 1000);
        try {
            double s = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
            if (s >= 0 && s < 1e9) return (long) (s * 1000);
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModuleException(Step.ARGS, "ARG_TYPE", "wait_for: argument '" + name
                + "' must be a non-negative number of seconds, got '" + v + "'");
    }
}
