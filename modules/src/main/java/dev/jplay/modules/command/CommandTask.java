package dev.jplay.modules.command;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.protocol.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What {@code command} and {@code shell} share once argv is known: {@code chdir}, {@code creates}/
 * {@code removes}, {@code stdin}, check mode, and an Ansible-shaped result (rc, stdout, stderr, cmd, start,
 * end, delta; a non-zero rc is a failed result, not an exception).
 */
final class CommandTask {
    static final List<String> COMMON_ARGS = List.of("chdir", "creates", "removes", "stdin", "stdin_add_newline",
            "strip_empty_ends");
    /** In a holder: loading time-zone rules costs the agent ~20 ms, due only when a command runs. */
    private static final class Clock {
        static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
                .withZone(ZoneId.systemDefault());
    }

    private CommandTask() {}

    /** @param shownCmd what the result reports as {@code cmd}: argv for command, the script for shell */
    static ModuleResult run(String module, List<String> argv, Object shownCmd, ModuleArgs args, ModuleContext ctx)
            throws ModuleException {
        Path chdir = args.has("chdir") ? Path.of(args.string("chdir")) : null;
        if (chdir != null && !Files.isDirectory(chdir)) {
            throw new ModuleException(Step.EXEC, "CHDIR_MISSING", module + ": chdir " + chdir + " is not a directory");
        }
        String creates = args.string("creates", null);
        String removes = args.string("removes", null);
        if (creates != null && Files.exists(relative(chdir, creates))) {
            return skipped(shownCmd, "skipped, since " + creates + " exists");
        }
        if (removes != null && !Files.exists(relative(chdir, removes))) {
            return skipped(shownCmd, "skipped, since " + removes + " does not exist");
        }
        if (ctx.check()) {
            // Like Ansible: with creates/removes the outcome is known (it would run); without, nothing is.
            boolean predictable = creates != null || removes != null;
            ModuleResult.Builder r = ModuleResult.changed(predictable).put("cmd", shownCmd)
                    .msg("command would have run if not in check mode");
            if (!predictable) r.put("skipped", true);
            return r.build();
        }
        byte[] stdin = null;
        if (args.has("stdin")) {
            String s = args.string("stdin") + (args.bool("stdin_add_newline", true) ? "\n" : "");
            stdin = s.getBytes(StandardCharsets.UTF_8);
        }
        ctx.activity().now(Step.EXEC, "running " + String.join(" ", argv) + (chdir == null ? "" : " in " + chdir));
        ProcessRunner.Outcome o = ProcessRunner.run(module, argv, chdir, ctx.env(), stdin, ctx.timeout(),
                args.bool("strip_empty_ends", true));
        ModuleResult.Builder r = ModuleResult.changed(true).rc(o.rc()).stdout(o.stdout()).stderr(o.stderr())
                .put("cmd", shownCmd).put("start", Clock.TIME.format(o.start())).put("end", Clock.TIME.format(o.end()))
                .put("delta", delta(Duration.between(o.start(), o.end())));
        if (o.rc() != 0) r.failed(true).msg("non-zero return code");
        return r.build();
    }

    private static Path relative(Path chdir, String path) {
        return chdir == null ? Path.of(path) : chdir.resolve(path);
    }

    private static ModuleResult skipped(Object shownCmd, String msg) {
        return ModuleResult.ok().rc(0).stdout(msg).msg(msg).put("cmd", shownCmd).build();
    }

    /** Ansible's format, {@code 0:00:01.234567}. */
    static String delta(Duration d) {
        return String.format("%d:%02d:%02d.%06d", d.toHours(), d.toMinutesPart(), d.toSecondsPart(),
                d.toNanosPart() / 1000);
    }

}
