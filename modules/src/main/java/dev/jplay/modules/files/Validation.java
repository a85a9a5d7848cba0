package dev.jplay.modules.files;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.command.CommandLine;
import dev.jplay.modules.command.ProcessRunner;
import dev.jplay.modules.command.ToolCommands;
import dev.jplay.protocol.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code validate}: a command with {@code %s} run on the complete temp file before it replaces the target
 * ({@code visudo -cf %s}, {@code sshd -t -f %s}); a non-zero exit leaves the target as it was and fails the task.
 * As in Ansible, no shell: the command is split like {@code shlex.split}; {@code %%} is a literal {@code %}.
 * Not run in check mode (nothing is written there).
 */
final class Validation {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final String module;
    private final String command;

    private Validation(String module, String command) {
        this.module = module;
        this.command = command;
    }

    /** The task's {@code validate} (null when it has none); without {@code %s} it is refused, as Ansible does. */
    static Validation from(ModuleArgs args, String module) throws ModuleException {
        String v = args.string("validate", null);
        if (v == null) return null;
        if (!v.contains("%s")) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": validate must contain %s (the temp file's path),"
                    + " got '" + v + "'");
        }
        try {
            if (CommandLine.split(v).isEmpty()) throw new IllegalArgumentException("empty command");
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": validate is not a command line: " + e.getMessage());
        }
        return new Validation(module, v);
    }

    /** The argv for {@code file}: each word with {@code %s} replaced by its path. */
    List<String> argv(Path file) {
        List<String> out = new ArrayList<>();
        for (String word : CommandLine.split(command)) out.add(format(word, file.toString()));
        return out;
    }

    private static String format(String word, String path) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '%' && i + 1 < word.length() && (word.charAt(i + 1) == 's' || word.charAt(i + 1) == '%')) {
                b.append(word.charAt(++i) == 's' ? path : "%");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Runs the command on {@code temp}; fails ({@code VALIDATE_FAILED}, the target untouched) unless it exits 0. */
    void check(Path temp, Path target, ModuleContext ctx) throws ModuleException {
        ToolCommands tools = new ToolCommands(module, ctx, Map.of(), TIMEOUT);
        List<String> argv = argv(temp);
        ProcessRunner.Outcome o = tools.run(argv);
        if (o.rc() != 0) {
            String said = (o.stderr().isBlank() ? o.stdout() : o.stderr()).strip();
            if (said.length() > 2000) said = "..." + said.substring(said.length() - 2000);
            throw new ModuleException(Step.EXEC, "VALIDATE_FAILED", module + ": the new " + target + " failed validation, "
                    + "left unchanged: " + String.join(" ", argv) + " exited with " + o.rc() + (said.isEmpty() ? "" : ": " + said))
                    .detail("path", target.toString()).detail("validate", command).detail("rc", o.rc());
        }
    }
}
