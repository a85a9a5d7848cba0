package dev.jplay.modules.service;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.command.ProcessRunner;
import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a service tool with the task's environment and a deadline; a failure is located with its output. */
final class HostCommands {
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    private final String module;
    private final ModuleContext ctx;

    HostCommands(String module, ModuleContext ctx) {
        this.module = module;
        this.ctx = ctx;
    }

    ProcessRunner.Outcome run(List<String> argv) throws ModuleException {
        ctx.activity().now(Step.EXEC, String.join(" ", argv));
        Map<String, String> env = new HashMap<>(ctx.env());
        env.put("LC_ALL", "C");
        env.put("SYSTEMD_PAGER", "");
        return ProcessRunner.run(module, argv, null, env, null, ctx.timeout() != null ? ctx.timeout() : DEFAULT_TIMEOUT, true);
    }

    ProcessRunner.Outcome mustSucceed(List<String> argv, String code) throws ModuleException {
        ProcessRunner.Outcome o = run(argv);
        if (o.rc() != 0) {
            String out = (o.stderr().isBlank() ? o.stdout() : o.stderr()).strip();
            if (out.length() > 2000) out = "..." + out.substring(out.length() - 2000);
            throw new ModuleException(Step.EXEC, code, module + ": " + String.join(" ", argv) + " exited with " + o.rc()
                    + (out.isEmpty() ? "" : ": " + out)).detail("cmd", argv).detail("rc", o.rc());
        }
        return o;
    }
}
