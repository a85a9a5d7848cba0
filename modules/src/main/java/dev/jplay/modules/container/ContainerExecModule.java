package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.launch.ContainerExec;
import dev.jplay.runtime.launch.ContainerState;
import dev.jplay.runtime.launch.ContainerStatus;
import dev.jplay.runtime.launch.LaunchException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code container_exec}: runs a command inside a running container ({@code runc exec}), as {@code docker exec} does,
 * and returns its exit code ({@code rc}) and its stdout and stderr apart (the first {@value #MAX_OUTPUT_BYTES} bytes
 * of each). Args: {@code name}, {@code argv} (a list), {@code env} ({@code KEY=VALUE} strings), {@code workdir},
 * {@code timeout} (seconds; none by default: the agent's deadline for this module ends it). A command runc cannot
 * start gets Docker's codes, 126 (cannot execute) or 127 (not found). With {@code prepare: true} it runs nothing
 * and answers with the {@code runc exec} command line ({@code command}, with {@code -t} when {@code tty}) for the
 * controller to run on a terminal channel of its own (an interactive {@code jplay exec -it}).
 * A container that does not exist or does not run is a failure ({@code CONTAINER_NOT_FOUND},
 * {@code CONTAINER_NOT_RUNNING}). {@code jplay exec} is built on it.
 */
public final class ContainerExecModule implements TaskModule {
    /** Output kept per stream: the agent answers in one protocol line (8 MiB at most). */
    static final int MAX_OUTPUT_BYTES = 1024 * 1024;
    private static final Set<String> ARGS = Set.of("name", "argv", "env", "workdir", "timeout", "prepare", "tty");

    @Override
    public String name() {
        return "container_exec";
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String name = args.string("name");
        List<String> argv = args.strings("argv");
        if (argv.isEmpty()) throw new ModuleException(Step.ARGS, "ARG_MISSING", "container_exec: argument 'argv' is required");
        long timeoutSeconds = args.number("timeout", 0);
        if (timeoutSeconds < 0) throw new ModuleException(Step.ARGS, "ARG_TYPE", "container_exec: timeout must be 0 (none) or more seconds");
        ContainerExec.Request request = new ContainerExec.Request(argv, args.strings("env"), args.string("workdir", null));
        ContainerHost host = ContainerHost.of(ctx);
        ContainerStatus status;
        try {
            status = host.status(name);
        } catch (LaunchException e) {
            throw Failures.launch(e);
        }
        if (status.state() == ContainerState.ABSENT) {
            throw new ModuleException(Step.EXEC, "CONTAINER_NOT_FOUND", "container_exec: no container '" + name + "' on this host")
                    .detail("container", name);
        }
        if (!status.isRunning()) {
            throw new ModuleException(Step.EXEC, "CONTAINER_NOT_RUNNING", "container_exec: container '" + name + "' is "
                    + status.state().id() + ", not running").detail("container", name).detail("status", status.state().id());
        }
        ContainerExec exec = host.exec();
        if (args.bool("prepare", false)) {
            return ModuleResult.ok().msg("runc exec command for " + name)
                    .put("command", exec.command(name, request, args.bool("tty", false))).build();
        }
        ContainerExec.Captured c;
        try {
            c = exec.capture(name, request, timeoutSeconds == 0 ? null : Duration.ofSeconds(timeoutSeconds), MAX_OUTPUT_BYTES);
        } catch (LaunchException e) {
            throw Failures.launch(e);
        }
        String msg = c.timedOut() ? "timed out after " + timeoutSeconds + " s"
                : c.startError() != null ? c.startError() : "exit code " + c.exitCode();
        return ModuleResult.changed(true).rc(c.exitCode()).stdout(c.stdout()).stderr(c.stderr()).msg(msg)
                .put("timed_out", c.timedOut()).put("truncated", c.truncated()).put("start_error", c.startError()).build();
    }
}
