package dev.jplay.engine.run;

import dev.jplay.engine.yaml.Location;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.io.Console;
import java.util.Map;

/**
 * {@code pause} on the controller: {@code seconds} or {@code minutes} waits that long (in check mode too, as
 * Ansible does); {@code prompt} asks on the terminal and waits for Enter, and fails ({@code PAUSE_NO_TERMINAL})
 * when jplay runs without one (CI, a pipe), instead of waiting for input that can never come.
 */
final class PauseModule {
    private PauseModule() {}

    static TaskResult run(Map<String, Object> args, Location at, TaskResult r) {
        for (String k : args.keySet()) {
            if (!java.util.Set.of("seconds", "minutes", "prompt", "echo").contains(k)) {
                return r.fail(new Failure(Step.ARGS, "ARG_UNKNOWN", "pause: unsupported argument '" + k
                        + "' (supported: echo, minutes, prompt, seconds) at " + at));
            }
        }
        long millis;
        try {
            millis = args.containsKey("minutes") ? Math.round(Double.parseDouble(String.valueOf(args.get("minutes"))) * 60_000)
                    : args.containsKey("seconds") ? Math.round(Double.parseDouble(String.valueOf(args.get("seconds"))) * 1000) : -1;
        } catch (NumberFormatException e) {
            return r.fail(new Failure(Step.ARGS, "ARG_TYPE", "pause: seconds/minutes must be a number at " + at));
        }
        long start = System.nanoTime();
        if (args.containsKey("prompt") || millis < 0) {
            Console console = System.console();
            if (console == null) {
                return r.fail(new Failure(Step.EXEC, "PAUSE_NO_TERMINAL", "pause: the prompt needs a terminal to answer on, and"
                        + " jplay runs without one; give seconds or minutes, or run it from a terminal (" + at + ")"));
            }
            if (millis < 0) {
                String input = readLine(console, String.valueOf(args.getOrDefault("prompt", "Press enter to continue")),
                        !Boolean.FALSE.equals(args.get("echo")) && !"no".equals(args.get("echo")));
                r.output("user_input", input == null ? "" : input);
                return r.msg("Paused for " + elapsed(start)).output("delta", elapsed(start));
            }
            console.printf("%s%n", args.get("prompt"));
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return r.fail(new Failure(Step.EXEC, "INTERRUPTED", "pause: interrupted at " + at));
        }
        return r.msg("Paused for " + elapsed(start)).output("delta", elapsed(start));
    }

    /** Hosts run in parallel: one prompt at a time on the one terminal. */
    private static synchronized String readLine(Console console, String prompt, boolean echo) {
        if (echo) return console.readLine("%s: ", prompt);
        char[] pw = console.readPassword("%s: ", prompt);
        return pw == null ? null : new String(pw);
    }

    private static String elapsed(long start) {
        return String.format(java.util.Locale.ROOT, "%.1f seconds", (System.nanoTime() - start) / 1e9);
    }
}
