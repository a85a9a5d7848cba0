package dev.jplay.modules.command;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the host tools a module drives (systemctl, apt-get, dpkg-query, useradd, ...): the task's environment plus
 * {@code LC_ALL=C} (their output is parsed in English) and what the module adds, the request's deadline (else
 * {@code fallback}), the activity updated; a failure is located with the tool's output.
 */
public final class ToolCommands {
    private final String module;
    private final ModuleContext ctx;
    private final Map<String, String> env;
    private final Duration fallback;

    public ToolCommands(String module, ModuleContext ctx, Map<String, String> extraEnv, Duration fallback) {
        this.module = module;
        this.ctx = ctx;
        this.env = new HashMap<>(ctx.env());
        env.put("LC_ALL", "C");
        env.putAll(extraEnv);
        this.fallback = fallback;
    }

    public ProcessRunner.Outcome run(List<String> argv) throws ModuleException {
        return run(argv, null);
    }

    /** With {@code stdin} fed to the tool: how a secret reaches it without showing in its argv (ps, activity, errors). */
    public ProcessRunner.Outcome run(List<String> argv, byte[] stdin) throws ModuleException {
        ctx.activity().now(Step.EXEC, String.join(" ", argv));
        return ProcessRunner.run(module, argv, null, env, stdin, ctx.timeout() != null ? ctx.timeout() : fallback, true);
    }

    public ProcessRunner.Outcome mustSucceed(List<String> argv, String code) throws ModuleException {
        ProcessRunner.Outcome o = run(argv);
        if (o.rc() != 0) throw failed(argv, o, code);
        return o;
    }

    /** {@code argv} exited non-zero: the module's located failure, with the end of its output. */
    public ModuleException failed(List<String> argv, ProcessRunner.Outcome o, String code) {
        String out = (o.stderr().isBlank() ? o.stdout() : o.stderr()).strip();
        if (out.length() > 2000) out = "..." + out.substring(out.length() - 2000);
        return new ModuleException(Step.EXEC, code, module + ": " + String.join(" ", argv) + " exited with " + o.rc()
                + (out.isEmpty() ? "" : ": " + out)).detail("cmd", argv).detail("rc", o.rc());
    }
}
