package dev.jplay.engine.run;

import dev.jplay.protocol.AgentLaunch;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.connection.RawCommand;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Ansible's {@code raw}: the command line goes over SSH as it is, read by the remote user's login shell, with no
 * agent (so it works on hosts without Java, e.g. to install it). Like Ansible's, it always reports
 * {@code changed}, fails on a non-zero exit status, and does not run in check mode. {@code executable} runs the
 * line with that shell ({@code executable -c 'line'}); a task's {@code environment} is exported before it.
 */
final class RawModule {
    static final String NAME = "raw";
    /** Without a task timeout, a raw command still has a deadline (agent modules have the agent's keep-alive). */
    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(24);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private RawModule() {}

    /** The registered result; ConnectionException when the host cannot be reached. */
    static TaskResult run(Connections connections, HostTarget target, Map<String, Object> args,
                                   Map<String, String> env, boolean check, Duration timeout) throws ConnectionException {
        TaskResult r = TaskResult.empty().changed(false); // until the command runs
        Object line = args.get(PlaybookParser.RAW_PARAMS);
        if (!(line instanceof String command) || command.isBlank()) {
            return failed(r, Step.ARGS, "ARG_MISSING", "raw: a command line is required (raw: some command)");
        }
        for (String key : args.keySet()) {
            if (!key.equals(PlaybookParser.RAW_PARAMS) && !key.equals("executable")) {
                return failed(r, Step.ARGS, "ARG_UNKNOWN", "raw: unknown argument '" + key + "' (raw takes a command line and 'executable')");
            }
        }
        if (target.become() != null) {
            // raw has no agent for the become wrapper to start: running the line as the login user would be a
            // silent downgrade, so it is refused until raw learns become.
            return failed(r, Step.BECOME, "BECOME_RAW_UNSUPPORTED", "raw: become (to " + target.become().user() + ") is not"
                    + " supported for raw, which runs its line as the login user over SSH: drop become for this task and"
                    + " write e.g. 'sudo -n ...' in the line");
        }
        if (check) {
            return r.pass().msg("skipped in check mode: raw cannot tell what its command would change");
        }
        String script = command;
        if (args.get("executable") instanceof String shell && !shell.isBlank()) script = shell + " -c " + AgentLaunch.quote(command);
        if (env != null && !env.isEmpty()) {
            StringBuilder exports = new StringBuilder();
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (!ENV_NAME.matcher(e.getKey()).matches()) {
                    return failed(r, Step.ARGS, "ENV_NAME", "raw: environment name '" + e.getKey() + "' is not a shell variable name");
                }
                exports.append("export ").append(e.getKey()).append('=').append(AgentLaunch.quote(e.getValue())).append("; ");
            }
            script = exports + script;
        }
        RawCommand.Result result = connections.raw(target, script, timeout == null ? DEFAULT_TIMEOUT : timeout);
        r.changed(true).rc(result.rc()).stdout(result.stdout(), lines(result.stdout()))
                .stderr(result.stderr(), lines(result.stderr()));
        if (result.truncated()) r.output("warnings", List.of("raw: output longer than " + RawCommand.KEEP_BYTES
                + " bytes per stream; only its end was kept"));
        if (result.timedOut()) {
            return failed(r, Step.EXEC, "TIMEOUT", "raw: the command did not finish within " + (timeout == null ? DEFAULT_TIMEOUT : timeout).toSeconds()
                    + " s and was stopped");
        }
        if (result.rc() == null) {
            return failed(r, Step.EXEC, "KILLED", "raw: the command ended without an exit status"
                    + (result.signal() == null ? "" : " (signal " + result.signal() + ")"));
        }
        if (result.rc() != 0) return failed(r, Step.EXEC, "NON_ZERO_RC", "non-zero return code");
        return r.pass();
    }

    /** As Python's splitlines: a final line break ends the last line rather than starting an empty one. */
    private static List<String> lines(String s) {
        if (s.isEmpty()) return List.of();
        return List.of(s.replaceFirst("\r?\n$", "").split("\r?\n", -1));
    }

    private static TaskResult failed(TaskResult r, Step step, String code, String msg) {
        return r.fail(new Failure(step, code, msg));
    }
}
